#!/usr/bin/env python3
"""A plain unittest script, run by partest's Python adapter class by class."""
import os
import unittest

calls = []


def setUpModule():
    calls.append('module')


class Counting(unittest.TestCase):
    set_ups = 0

    @classmethod
    def setUpClass(cls):
        cls.set_ups += 1

    def test_class_set_up_once(self):
        self.assertEqual(type(self).set_ups, 1)

    def test_module_set_up_before(self):
        self.assertEqual(calls[-1:], ['module'])

    def test_worker_number(self):
        self.assertIn(os.environ.get('PARTEST_WORKER'), {'1', '2'})


class Failing(unittest.TestCase):
    def test_fails(self):
        self.assertEqual('a', 'b')

    @unittest.skip('skipped on purpose')
    def test_skipped(self):
        pass


class BrokenSetUp(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        raise RuntimeError('no fixture today')

    def test_never_runs(self):
        pass


if __name__ == '__main__':
    unittest.main()
