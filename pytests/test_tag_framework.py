"""The tag framework: a family added the documented way (one model, one YAML block, one
line in the registry) reaches the long, wide and catalog tables; a model and its
registration that disagree stop the build with a message that says what to fix."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from conftest import dbt_session, query
from subops.paths import PROJECT_DIR

PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests", "analyses", "snapshots")

THROWAWAY_SQL = """
with

subscriber_months as (

    select * from {{ ref('fct_subscriber_months') }}

),

final as (

    select
        subscriber_key,
        report_month as tag_month,
        tenure_months >= 24 as is_long_tenure{extra}
    from subscriber_months

)

select * from final
"""

THROWAWAY_BLOCK = {
    "name": "tag_throwaway",
    "description": "A throwaway family for the framework test.",
    "config": {"meta": {"tag_family": "throwaway"}},
    "columns": [
        {"name": "subscriber_key", "description": "Key."},
        {"name": "tag_month", "description": "Month."},
        {"name": "is_long_tenure", "description": "In the network two years or more.",
         "meta": {"tag": {"name_zh": "老用户", "name_en": "Long tenure", "kind": "static",
                          "cadence": "monthly", "owner": "pytest", "value_type": "flag"}}},
    ],
}


def copy_project(destination: Path) -> Path:
    destination.mkdir(parents=True)
    for name in PROJECT_FILES:
        source = PROJECT_DIR / name
        if source.is_dir():
            shutil.copytree(source, destination / name)
        elif source.exists():
            shutil.copy2(source, destination / name)
    return destination


def add_family(project: Path, *, extra_column: str = "", wire: bool = True) -> None:
    """The documented three steps: model, YAML block, registry line."""
    tags = project / "models" / "marts" / "tags"
    (tags / "tag_throwaway.sql").write_text(THROWAWAY_SQL.replace("{extra}", extra_column))
    properties = yaml.safe_load((tags / "_tags__models.yml").read_text())
    properties["models"].append(THROWAWAY_BLOCK)
    (tags / "_tags__models.yml").write_text(yaml.safe_dump(properties, allow_unicode=True, sort_keys=False))
    if wire:
        registry = project / "macros" / "tags" / "tag_families.sql"
        text = registry.read_text()
        assert "    ]) }}" in text
        registry.write_text(text.replace("    ]) }}", "        'tag_throwaway',\n    ]) }}", 1))


@pytest.fixture(scope="module")
def built_upstream(clean_landing, tmp_path_factory):
    """The project as it is, built once; each case copies its database."""
    work = tmp_path_factory.mktemp("tags_upstream")
    session = dbt_session(work, clean_landing)
    session.run("build", "--exclude-resource-type", "unit_test")
    return session


def session_with_family(built_upstream, tmp_path, **family) -> object:
    project = copy_project(tmp_path / "project")
    add_family(project, **family)
    session = dbt_session(tmp_path / "work", built_upstream.landing_dir)
    shutil.copy2(built_upstream.duckdb_path, session.duckdb_path)
    session.project_dir = project
    return session


def test_a_new_family_reaches_the_long_wide_and_catalog_tables(built_upstream, tmp_path):
    session = session_with_family(built_upstream, tmp_path)
    # A new family back-fills its history: the long and wide tables are rebuilt whole.
    session.run("build", "--select", "tag_throwaway+", "--full-refresh", "--exclude-resource-type", "unit_test")
    database = session.duckdb_path
    [(long_rows,)] = query(database, "select count(*) from tags.subscriber_tags where tag_code = 'is_long_tenure'")
    [(expected,)] = query(database, "select count(*) from core.fct_subscriber_months where tenure_months >= 24")
    assert long_rows == expected > 0
    [(wide_rows,)] = query(database, "select count(*) from tags.subscriber_tags_wide where is_long_tenure")
    assert wide_rows == expected
    catalog = query(database, "select tag_family, tag_name_zh, tag_owner, coverage from tags.tag_catalog "
                              "where tag_code = 'is_long_tenure'")
    assert len(catalog) == 1 and catalog[0][:3] == ("throwaway", "老用户", "pytest") and catalog[0][3] > 0


def test_an_unregistered_code_fails_the_build(built_upstream, tmp_path):
    session = session_with_family(built_upstream, tmp_path, extra_column=",\n        true as is_unregistered")
    result = session.run("build", "--select", "tag_throwaway+", "--exclude-resource-type", "unit_test",
                         check=False, capture=True)
    assert result.returncode != 0
    assert "Tag family model 'tag_throwaway' emits 'is_unregistered', which nobody registered" in result.stdout


def test_a_family_left_out_of_the_registry_fails_the_build(built_upstream, tmp_path):
    session = session_with_family(built_upstream, tmp_path, wire=False)
    result = session.run("build", "--select", "tag_throwaway+", "subscriber_tags", "--exclude-resource-type",
                         "unit_test", check=False, capture=True)
    assert result.returncode != 0
    assert "Tag family model 'tag_throwaway' is not wired in" in result.stdout


def test_every_registered_tag_has_coverage_in_the_latest_month(built_upstream):
    catalog = query(built_upstream.duckdb_path, "select tag_code, coverage from tags.tag_catalog")
    assert len(catalog) >= 20
    assert [code for code, coverage in catalog if not coverage > 0] == []
