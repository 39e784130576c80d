"""Pages of a list that cost what they show, not what the table holds.

``BoundedPaginator`` counts only as far as the page asked for needs, and a little beyond: at
least ``count_floor`` rows (page 1 of a long list says "1000+"), at most ``count_ceiling`` (the
user narrows a longer list with the filters), and always past the page asked for, so that its
offset is reached. It fetches a page in two steps: the page's primary keys (the ordering and
the offset walk an index, without the joins of the rows; past the first page the same walk up
to the cap gives the count too), then those rows with their relations.
Every list of the project pages through it.
"""

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

COUNT_FLOOR = 1_000
COUNT_CEILING = 10_000


class BoundedPaginator(Paginator):
    count_floor = COUNT_FLOOR
    count_ceiling = COUNT_CEILING

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_cap = self.count_floor
        self.wanted = 1

    def get_page(self, number):
        try:
            wanted = max(1, int(number))
        except (TypeError, ValueError):
            wanted = 1
        # Up to the end of the page after the one asked for (so that it knows of a next page).
        self.wanted = wanted
        reach = (wanted + 1) * self.per_page
        self.count_cap = min(self.count_ceiling, max(self.count_floor, reach))
        return super().get_page(number)

    @cached_property
    def _keys(self) -> list:
        """The keys of the list in its order, up to one past the cap: past the first page, one
        walk of the index gives both the count and the page's keys, where counting and then
        walking to the page's offset would go the same way twice."""
        return list(self.object_list.values_list("pk", flat=True)[: self.count_cap + 1])

    @cached_property
    def _bounded_count(self) -> int:
        if not isinstance(self.object_list, QuerySet):
            return len(self.object_list)
        if self.wanted > 1:
            return len(self._keys)
        # The first page: COUNT(*) over a LIMIT, in whatever order the database finds the rows
        # fastest (it stops at the cap), and then the first page's keys alone.
        return self.object_list.order_by()[: self.count_cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._bounded_count, self.count_cap)

    @cached_property
    def capped(self) -> bool:
        """More rows than were counted: the count shows as "1000+"."""
        return self._bounded_count > self.count_cap

    def page(self, number):
        if not isinstance(self.object_list, QuerySet):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if self.wanted > 1:
            pks = self._keys[bottom:top]
        else:
            pks = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        return self._get_page(self.fetch(pks), number, self)

    def fetch(self, pks: list) -> list:
        """The page's rows for its keys, in their order (a list that shows something else than
        the model's instances, the ledger, reads them its own way)."""
        rows = {row.pk: row for row in self.object_list.filter(pk__in=pks)}
        return [rows[pk] for pk in pks if pk in rows]
