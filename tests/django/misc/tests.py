import unittest


class PlainUnittest(unittest.TestCase):
    """A plain unittest class in a Django app: Django runs it too."""

    @classmethod
    def setUpClass(cls):
        cls.numbers = [3, 1, 2]

    def test_sorted(self):
        self.assertEqual(sorted(self.numbers), [1, 2, 3])
