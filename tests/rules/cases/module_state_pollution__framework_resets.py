"""Django's test outbox: `SimpleTestCase._pre_setup` (and pytest-django's autouse
`_dj_autoclear_mailbox`) empties `django.core.mail.outbox` before every test, so a test
emptying or filling it leaves nothing for the next one. Other attributes of `mail` still count."""
from django.core import mail
from django.test import SimpleTestCase


class ReportMixin:
    def verify_email(self, view):
        with self.settings(ADMINS=[("Admin", "admin@example.com")]):
            mail.outbox = []  # Empty outbox
            view()
            assert len(mail.outbox) == 1


class ReportTests(ReportMixin, SimpleTestCase):
    def test_report(self):
        self.verify_email(lambda: None)
        mail.outbox.append("sent")

    def test_backend(self):
        mail.get_connection = None  # expect: module_state_pollution


from django.conf import settings


class SettingsTests(SimpleTestCase):
    def test_without_fallbacks(self):
        # `self.settings()` is `override_settings`: every setting is put back on exit.
        with self.settings(SECRET_KEY_FALLBACKS=None):
            del settings.SECRET_KEY_FALLBACKS
        with self.modify_settings(MIDDLEWARE={"append": "x"}):
            settings.DEBUG = True

    def test_without_an_override(self):
        settings.DEBUG = True  # expect: module_state_pollution
