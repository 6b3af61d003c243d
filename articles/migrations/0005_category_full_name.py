from django.db import migrations, models


def fill_full_names(apps, schema_editor):
    """Each category's names from the root down, as ``Category.save`` keeps them from now on."""
    Category = apps.get_model("articles", "Category")
    full_names = {}
    categories = list(Category.objects.order_by("depth", "pk"))  # parents before their children
    for category in categories:
        names = [full_names[category.parent_id], category.name] if category.parent_id else [category.name]
        category.full_name = full_names[category.pk] = " › ".join(names)
    Category.objects.bulk_update(categories, ["full_name"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0004_estimated_dates_derived_excerpts_failed_downloads"),
    ]

    operations = [
        migrations.AddField(
            model_name="category",
            name="full_name",
            field=models.TextField(default="", editable=False, verbose_name="full name"),
            preserve_default=False,
        ),
        migrations.RunPython(fill_full_names, migrations.RunPython.noop, elidable=True),
    ]
