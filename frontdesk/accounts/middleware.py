from django.utils import translation


class UserLanguageMiddleware:
    """A logged-in person sees the back office in the language of their profile, on any device;
    the language switch saves the choice to the profile (accounts.views.set_language)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
