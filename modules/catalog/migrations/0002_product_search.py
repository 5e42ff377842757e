"""Full-text search of products on PostgreSQL: a trigger keeps ``Product.search`` (title and SKU
weighted A, description B; the 'simple' configuration, as shops write in several languages) and
a GIN index serves the queries. Nothing on other databases: SQLite searches with icontains."""

from django.db import migrations

CREATE = """
CREATE FUNCTION catalog_product_search_update() RETURNS trigger AS $$
BEGIN
  NEW.search :=
    setweight(to_tsvector('simple', coalesce(NEW.title, '')), 'A') ||
    setweight(to_tsvector('simple', coalesce(NEW.sku, '')), 'A') ||
    setweight(to_tsvector('simple', coalesce(NEW.description, '')), 'B');
  RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER catalog_product_search BEFORE INSERT OR UPDATE OF title, sku, description
  ON catalog_product FOR EACH ROW EXECUTE FUNCTION catalog_product_search_update();
CREATE INDEX catalog_product_search_gin ON catalog_product USING gin (search);
UPDATE catalog_product SET title = title;
"""
DROP = """
DROP INDEX IF EXISTS catalog_product_search_gin;
DROP TRIGGER IF EXISTS catalog_product_search ON catalog_product;
DROP FUNCTION IF EXISTS catalog_product_search_update();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_products")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
