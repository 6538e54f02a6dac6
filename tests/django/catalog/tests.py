import time
import unittest

from django.db import connections
from django.test import SimpleTestCase, TestCase, TransactionTestCase

from .models import Category, Product
from shop.clock import note_test_start as setUpModule  # noqa: F401


class CategoryTests(TestCase):
    """setUpTestData, a fixture and the data migration's row, in one class."""
    fixtures = ['books.json']
    set_up_class_calls = 0

    @classmethod
    def setUpTestData(cls):
        cls.set_up_class_calls += 1
        cls.toys = Category.objects.create(name='toys')
        Product.objects.create(name='kite', category=cls.toys, price=5)

    def test_migration_fixture_and_test_data_are_there(self):
        self.assertEqual(sorted(Category.objects.values_list('name', flat=True)),
                         ['books', 'general', 'toys'])

    def test_products_follow_their_category(self):
        self.assertEqual(sorted(p.name for p in Category.objects.get(name='books').products.all()),
                         ['Dune', 'Emma'])

    def test_set_up_test_data_ran_once_in_this_worker(self):
        self.assertEqual(type(self).set_up_class_calls, 1)

    def test_changes_are_rolled_back(self):
        Product.objects.all().delete()
        self.assertEqual(Product.objects.count(), 0)

    def test_changes_were_rolled_back(self):
        self.assertEqual(Product.objects.count(), 3)


class OutcomeTests(TestCase):
    """Each outcome unittest knows, once."""

    def test_passes(self):
        self.assertEqual(Category.objects.filter(name='general').count(), 1)

    def test_fails(self):
        print('output of a failing test')
        self.assertEqual(Category.objects.count(), 42, 'the catalogue is not that big')

    def test_errors(self):
        Category.objects.get(name='no such category')

    @unittest.skip('not today')
    def test_skips(self):
        raise AssertionError('a skipped test ran')

    @unittest.expectedFailure
    def test_expected_failure(self):
        self.assertEqual(1, 2)

    def test_sub_tests(self):
        for price in (1, 2, 3):
            with self.subTest(price=price):
                self.assertLess(price, 3)


def write_and_count(test, rows):
    """Writes rows, waits for a neighbour to write too, and counts: a shared database shows."""
    general = Category.objects.get_or_create(name='general')[0]
    for i in range(rows):
        Product.objects.create(name='p%d' % i, category=general, price=i)
    time.sleep(0.2)
    test.assertEqual(Product.objects.count(), rows)


class CommittedWritesA(TransactionTestCase):
    """Rows that are committed: only a database of its own keeps the counts right."""

    def test_write_3(self):
        write_and_count(self, 3)

    def test_write_5(self):
        write_and_count(self, 5)

    def test_write_7(self):
        write_and_count(self, 7)


class CommittedWritesB(TransactionTestCase):
    def test_write_2(self):
        write_and_count(self, 2)

    def test_write_4(self):
        write_and_count(self, 4)

    def test_write_6(self):
        write_and_count(self, 6)


class CommittedWritesC(TransactionTestCase):
    def test_write_1(self):
        write_and_count(self, 1)

    def test_write_8(self):
        write_and_count(self, 8)


class MirrorTests(TransactionTestCase):
    databases = {'default', 'replica'}

    def test_replica_reads_what_default_wrote(self):
        Category.objects.create(name='mirrored')
        self.assertTrue(Category.objects.using('replica').filter(name='mirrored').exists())

    def test_replica_is_the_same_database(self):
        self.assertEqual(connections['replica'].settings_dict['NAME'],
                         connections['default'].settings_dict['NAME'])


class PriceRules(SimpleTestCase):
    def test_no_database_needed(self):
        self.assertEqual(sum([1, 2, 3]), 6)
