"""
partest's Django test project. SHOP_ENGINE picks the server (sqlite,
postgresql or mysql); SHOP_DB_HOST (a socket directory or file) and
SHOP_DB_USER say where it is. Three aliases: default, other (the audit
app's, through shop.routers) and replica (a test mirror of default).
"""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = 'partest-test-project'
DEBUG = False
USE_TZ = True
INSTALLED_APPS = [
    'django.contrib.contenttypes',
    'django.contrib.auth',
    'catalog',
    'orders',
    'audit',
    'misc',
]
DATABASE_ROUTERS = ['shop.routers.AuditRouter']
DEFAULT_AUTO_FIELD = 'django.db.models.AutoField'

ENGINE = os.environ.get('SHOP_ENGINE', 'sqlite')
if ENGINE == 'sqlite':
    def database(name):
        return {'ENGINE': 'django.db.backends.sqlite3', 'NAME': BASE_DIR / (name + '.sqlite3')}
else:
    def database(name):
        return {
            'ENGINE': 'django.db.backends.' + ENGINE,
            'NAME': name,
            'USER': os.environ.get('SHOP_DB_USER', ''),
            'HOST': os.environ.get('SHOP_DB_HOST', ''),
        }

DATABASES = {
    'default': database('shop'),
    'other': dict(database('shop_other'), TEST={'DEPENDENCIES': []}),
    'replica': dict(database('shop'), TEST={'MIRROR': 'default'}),
}
