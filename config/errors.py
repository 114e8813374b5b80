"""Error pages in the site's layout (templates/403.html, 404.html, 500.html, csrf_failure.html)."""

from django.shortcuts import render


def csrf_failure(request, reason=""):
    """A form whose CSRF check failed: say what happened and what to do, in the user's language."""
    return render(request, "csrf_failure.html", status=403)
