{#- For sqlfluff only (no database to read the card from): a small card in the shape
    churn_scorecard_bins() returns, so churn_scores renders the SQL it builds. -#}
{% macro churn_scorecard_bins(scorecard_name) -%}
    {{ return([
        {'feature_name': '(base)', 'bin_number': 0, 'bin_label': 'base points', 'is_missing_bin': false,
            'lower_bound': none, 'upper_bound': none, 'points': '-50.00'},
        {'feature_name': 'tenure_months', 'bin_number': 1, 'bin_label': '[-inf, 12)', 'is_missing_bin': false,
            'lower_bound': none, 'upper_bound': '12.0', 'points': '20.00'},
        {'feature_name': 'tenure_months', 'bin_number': 2, 'bin_label': '[12, +inf)', 'is_missing_bin': false,
            'lower_bound': '12.0', 'upper_bound': none, 'points': '0.00'},
        {'feature_name': 'tenure_months', 'bin_number': 3, 'bin_label': 'missing', 'is_missing_bin': true,
            'lower_bound': none, 'upper_bound': none, 'points': '5.00'},
        {'feature_name': 'has_arrears', 'bin_number': 1, 'bin_label': '[-inf, 1)', 'is_missing_bin': false,
            'lower_bound': none, 'upper_bound': '1.0', 'points': '0.00'},
        {'feature_name': 'has_arrears', 'bin_number': 2, 'bin_label': '[1, +inf)', 'is_missing_bin': false,
            'lower_bound': '1.0', 'upper_bound': none, 'points': '15.00'},
    ]) }}
{%- endmacro %}
