"""Python tooling that lives beside the subscriber_ops dbt project."""
