"""Stand-ins for dbt's cross-database macros, so sqlfluff's jinja templater renders
models the way DuckDB would see them without compiling against a database."""


def type_string():
    return "varchar"


def type_int():
    return "integer"


def type_bigint():
    return "bigint"


def type_float():
    return "double"


def type_numeric():
    return "decimal(28, 6)"


def type_boolean():
    return "boolean"


def type_timestamp():
    return "timestamp"


def safe_cast(field, type):
    return f"try_cast({field} as {type})"


def date_trunc(datepart, date):
    return f"date_trunc('{datepart}', {date})"


def dateadd(datepart, interval, from_date_or_timestamp):
    return f"date_add({from_date_or_timestamp}, interval ({interval}) {datepart})"


def datediff(first_date, second_date, datepart):
    return f"date_diff('{datepart}', {first_date}, {second_date})"


def last_day(date, datepart):
    return f"last_day({date})"


def split_part(string_text, delimiter_text, part_number):
    return f"split_part({string_text}, {delimiter_text}, {part_number})"


def concat(fields):
    return " || ".join(fields)


def right(string_text, length_expression):
    return f"right({string_text}, {length_expression})"


def hash(field):
    return f"md5(cast({field} as varchar))"


def current_timestamp():
    return "now()"


def string_literal(value):
    return f"'{value}'"


def cast(field, type):
    return f"cast({field} as {type})"


def listagg(measure, delimiter_text="','", order_by_clause=None, limit_num=None):
    return f"string_agg({measure}, {delimiter_text})"
