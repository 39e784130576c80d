"""Demo data: 芮城县 with its towns, centres and one user per role, and cases in every state.

``load_demo()`` installs the reference data, the demo county and its people (idempotent), and,
the first time only, three dozen cases driven through the real services by the demo users, so
that their timelines, department tasks and referral sheets are what the application itself
would have written. ``generate_cases()`` then adds any number of further cases quickly with
``bulk_create``, for volume: the fields each state implies are filled in (and checked against
``disputes.invariants`` before they are written), but each such case carries a single timeline
row (its registration).

Services stamp their rows with the moment of the operation. To give the demo cases a plausible
history over the last two months, each step is handed its moment (the services' ``at=``, the
sweep's ``now=``; ``departments.clock``): no clock is moved.

Modules: ``services`` (``load_demo()``, what ``manage.py load_demo`` runs), ``organisation`` (the
county, centres and users), ``texts`` (names, identity numbers and what cases say), ``cases``
(the demo cases played through the services), ``bulk`` (volume).

An app of its own at the top of the layers: it drives every other app's services, and none of
them imports it.
"""
