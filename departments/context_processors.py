from departments.models import roles_of, staff_of


def staff(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"current_staff": staff_of(user), "current_roles": roles_of(user)}
