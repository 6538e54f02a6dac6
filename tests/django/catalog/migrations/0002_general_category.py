from django.db import migrations


def add_general(apps, schema_editor):
    apps.get_model('catalog', 'Category').objects.using(schema_editor.connection.alias).create(
        name='general')


class Migration(migrations.Migration):
    dependencies = [('catalog', '0001_initial')]
    operations = [migrations.RunPython(add_general, migrations.RunPython.noop)]
