from django.db import migrations

from editorial.roles import make_groups


class Migration(migrations.Migration):
    """The Contributor, Author and Editor groups (see editorial/roles.py)."""

    dependencies = [
        ("editorial", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
    ]

    operations = [migrations.RunPython(make_groups, migrations.RunPython.noop)]
