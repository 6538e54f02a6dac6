import os
import unittest
from shop.clock import note_test_start as setUpModule  # noqa: F401


class PlainUnittest(unittest.TestCase):
    """A plain unittest class in a Django app: Django runs it too."""

    @classmethod
    def setUpClass(cls):
        cls.numbers = [3, 1, 2]

    def test_sorted(self):
        self.assertEqual(sorted(self.numbers), [1, 2, 3])


class DebugMode(unittest.TestCase):
    def test_debug_is_what_the_run_asked_for(self):
        """DEBUG is False in tests, as Django makes it, unless --debug-mode."""
        from django.conf import settings
        self.assertEqual(settings.DEBUG, os.environ.get('SHOP_EXPECT_DEBUG') == '1')
