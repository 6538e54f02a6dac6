#!/usr/bin/env python3
"""
The Python adapter's mapping between partest's URLs and Django's DATABASES
entries (adapters/python/partest_python/db_urls.py), Oracle's included:
there is no Oracle server (nor cx_Oracle) here, so the settings a worker
gets for its clone schema are what can be tested. Run through the adapter
itself (`partest test_db_urls.py`), which puts its package on sys.path.
"""
import unittest

from partest_python import db_urls

ORACLE = 'django.db.backends.oracle'


class OracleClone(unittest.TestCase):
    def test_a_worker_logs_in_as_its_clone_schema(self):
        fields = db_urls.settings_for_url(
            'oracle://SHOP_PT42_AB12_1:s3cretRandom@db.example:1521/ORCLPDB1', ORACLE)
        self.assertEqual(fields, {'USER': 'SHOP_PT42_AB12_1', 'PASSWORD': 's3cretRandom',
                                  'HOST': 'db.example', 'PORT': '1521', 'NAME': 'ORCLPDB1'})

    def test_a_pdb_clone_is_the_service(self):
        fields = db_urls.settings_for_url('oracle://SHOP:pw@db.example:1521/SHOP_PT42_1', ORACLE)
        self.assertEqual((fields['USER'], fields['NAME']), ('SHOP', 'SHOP_PT42_1'))

    def test_the_engine_changes_only_across_families(self):
        self.assertNotIn('ENGINE', db_urls.settings_for_url('oracle://u:p@h/S', ORACLE))
        self.assertEqual(db_urls.settings_for_url('oracle://u:p@h/S', 'x.sqlite3')['ENGINE'],
                         ORACLE)

    def test_the_template_is_the_test_user_on_the_service(self):
        settings = {'ENGINE': ORACLE, 'USER': 'admin', 'PASSWORD': 'p@ss:w/rd',
                    'HOST': 'db.example', 'PORT': 1521, 'NAME': 'ORCLPDB1'}
        self.assertEqual(db_urls.url_for_settings(settings, 'test_admin', '/p'),
                         'oracle://admin:p%40ss%3Aw%2Frd@db.example:1521/ORCLPDB1/test_admin')


class PostgresAndMysql(unittest.TestCase):
    def test_a_throwaway_servers_url(self):
        fields = db_urls.settings_for_url(
            'postgresql:///shop_pt4242_Xa9Qe1_1?host=%2Ftmp%2Fpg&port=5432&user=partest',
            'django.contrib.gis.db.backends.postgis')
        self.assertEqual(fields, {'USER': 'partest', 'PASSWORD': '', 'HOST': '/tmp/pg',
                                  'PORT': '5432', 'NAME': 'shop_pt4242_Xa9Qe1_1'})

    def test_settings_on_a_socket(self):
        settings = {'ENGINE': 'django.db.backends.postgresql', 'USER': 'app',
                    'HOST': '/run/postgresql', 'NAME': 'shop'}
        self.assertEqual(db_urls.url_for_settings(settings, 'test_shop', '/p'),
                         'postgresql://app@/test_shop?host=/run/postgresql')

    def test_mysql_socket_both_ways(self):
        settings = {'ENGINE': 'django.db.backends.mysql', 'USER': 'root', 'PASSWORD': '',
                    'HOST': '/tmp/my/sock', 'PORT': '', 'NAME': 'shop'}
        url = db_urls.url_for_settings(settings, 'test_shop', '/p')
        self.assertEqual(url, 'mysql://root@/test_shop?socket=/tmp/my/sock')
        fields = db_urls.settings_for_url(url, settings['ENGINE'])
        self.assertEqual((fields['HOST'], fields['NAME']), ('/tmp/my/sock', 'test_shop'))


class Sqlite(unittest.TestCase):
    def test_files(self):
        self.assertEqual(db_urls.settings_for_url('sqlite:/tmp/a.db', 'x.sqlite3')['NAME'],
                         '/tmp/a.db')
        self.assertEqual(db_urls.url_for_settings({'ENGINE': 'x.sqlite3'}, 'test_a.db', '/p'),
                         'sqlite:/p/test_a.db')

    def test_not_a_url(self):
        with self.assertRaises(db_urls.UrlError):
            db_urls.settings_for_url('redis://h/0', 'x.sqlite3')


if __name__ == '__main__':
    unittest.main()
