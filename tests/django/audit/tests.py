from django.db import connections
from django.test import TestCase, TransactionTestCase

from audit.models import Entry
from catalog.models import Category
from shop.clock import note_test_start as setUpModule  # noqa: F401


class AuditTests(TestCase):
    databases = {'default', 'other'}

    def test_entries_go_to_the_other_database(self):
        Entry.objects.create(message='hello')
        self.assertEqual(Entry.objects.using('other').count(), 1)
        self.assertNotEqual(connections['other'].settings_dict['NAME'],
                            connections['default'].settings_dict['NAME'])

    def test_both_databases_in_one_test(self):
        Entry.objects.create(message='general exists: %s' %
                             Category.objects.filter(name='general').exists())
        self.assertEqual(Entry.objects.get().message, 'general exists: True')


class AuditCommitted(TransactionTestCase):
    databases = {'default', 'other'}

    def test_committed_entries_are_ours_alone(self):
        for i in range(4):
            Entry.objects.create(message=str(i))
        self.assertEqual(Entry.objects.count(), 4)
