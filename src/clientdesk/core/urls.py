"""URLs outside any account: signing in and out, password reset, invitations, the account list."""

from django.urls import path

from clientdesk.core.views import auth, home

urlpatterns = [
    path("", home.home, name="home"),
    path("sign-in/", auth.SignInView.as_view(), name="login"),
    path("sign-out/", auth.SignOutView.as_view(), name="logout"),
    path("password-reset/", auth.ResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", auth.ResetDoneView.as_view(), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", auth.ResetConfirmView.as_view(), name="password_reset_confirm"),
    path("reset/done/", auth.ResetCompleteView.as_view(), name="password_reset_complete"),
    path("invitations/<str:token>/", auth.invitation_accept, name="invitation_accept"),
]
