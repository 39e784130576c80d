from departments.models import staff_of


def staff(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"current_staff": staff_of(user)}
