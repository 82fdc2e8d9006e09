//! The refusals of malformed policy files, each pinned with its `file:line:column`,
//! both languages and a caret under the place it points at.

use super::parse;
use super::tests::base_with;

const NUMERATOR: &str = r#"numerator = "count(persons: employment and labour_contract)""#;

/// The error for `text`, with the line it points into and a caret under the column.
fn refusal(text: &str) -> String {
    let error = parse("test.toml", text).expect_err("a malformed file");
    let line = text.lines().nth(error.line - 1).unwrap_or("");
    format!("{error}\n{line}\n{}^", " ".repeat(error.column - 1))
}

/// One line of the base file replaced by another, and the name of the snapshot.
const CASES: &[(&str, &str, &str)] = &[
    (
        "unknown_fact",
        NUMERATOR,
        r#"numerator = "count(persons: employment and labour_contrat)""#,
    ),
    (
        "operator_twice",
        NUMERATOR,
        r#"numerator = "count(persons: employment and and labour_contract)""#,
    ),
    (
        "operator_between_terms",
        NUMERATOR,
        r#"numerator = "count(persons) + * count(persons)""#,
    ),
    (
        "operator_at_end",
        NUMERATOR,
        r#"numerator = "count(persons: employment and)""#,
    ),
    (
        "unclosed_parenthesis",
        NUMERATOR,
        r#"numerator = "count(persons: (employment and labour_contract)""#,
    ),
    (
        "unknown_parameter",
        NUMERATOR,
        r#"numerator = "count(persons) / per_asistant""#,
    ),
    (
        "scale_by_year_parameter",
        NUMERATOR,
        r#"numerator = "count(persons) * minimum_wage_fen""#,
    ),
    (
        "wrong_number_of_targets",
        "targets = [60, 70, 80]",
        "targets = [60, 70]",
    ),
    (
        "bad_target",
        "targets = [60, 70, 80]",
        r#"targets = [60, "none", 80]"#,
    ),
    (
        "bad_toml",
        "targets = [60, 70, 80]",
        "targets = [60, 70, 80",
    ),
    (
        "division_by_zero",
        NUMERATOR,
        r#"numerator = "count(persons) / 0""#,
    ),
    (
        "division_by_zero_parameter",
        NUMERATOR,
        r#"numerator = "count(persons) / zero""#,
    ),
    (
        "unknown_record_field",
        NUMERATOR,
        r#"numerator = "sum(settlements.area_m2)""#,
    ),
    (
        "unknown_record_condition",
        NUMERATOR,
        r#"numerator = "count(settlements: area_m2 >= 100)""#,
    ),
    (
        "age_reversed",
        NUMERATOR,
        r#"numerator = "count(persons: age in 15..6)""#,
    ),
    (
        "age_below_zero",
        NUMERATOR,
        r#"numerator = "count(persons: age < 0)""#,
    ),
    (
        "unknown_record_kind",
        NUMERATOR,
        r#"numerator = "count(employer: letter_signed)""#,
    ),
    (
        "filter_of_another_fact",
        NUMERATOR,
        r#"numerator = "count(persons: labour_contract(employer_has_union))""#,
    ),
    (
        "unknown_filter",
        NUMERATOR,
        r#"numerator = "count(persons: employment(wages >= 1))""#,
    ),
    (
        "unknown_housing",
        NUMERATOR,
        r#"numerator = "count(persons: residence(housing = rented))""#,
    ),
    (
        "unknown_period",
        NUMERATOR,
        r#"numerator = "count(persons: legal_education in decade)""#,
    ),
    (
        "zero_span",
        NUMERATOR,
        r#"numerator = "count(persons: residence for 0 days)""#,
    ),
    (
        "wage_year_missing",
        NUMERATOR,
        r#"numerator = "count(persons: employment(wage >= partial_wage))""#,
    ),
    (
        "stray_character",
        NUMERATOR,
        r#"numerator = "count(persons) ; count(persons)""#,
    ),
    (
        "escaped_string",
        NUMERATOR,
        r#"numerator = "count(persons:\temployment and labour_contrat)""#,
    ),
    ("unknown_key", NUMERATOR, r#"numerater = "count(persons)""#),
    (
        "missing_denominator",
        r#"denominator = "count(persons: employment)""#,
        "",
    ),
    (
        "denominator_of_an_amount",
        r#"unit = "percent""#,
        r#"unit = "count""#,
    ),
    ("unknown_unit", r#"unit = "percent""#, r#"unit = "percnt""#),
    (
        "tracked_with_targets",
        r#"direction = "at_least""#,
        r#"direction = "tracked""#,
    ),
    (
        "plan_years_not_consecutive",
        "plan_years = [2024, 2025, 2026]",
        "plan_years = [2024, 2026, 2027]",
    ),
    ("bad_city", r#"city = "3202""#, r#"city = "32021""#),
    (
        "number_as_string",
        "yellow_within = 10",
        r#"yellow_within = "10""#,
    ),
    ("bad_parameter_year", "zero = 0", "zero = { Y1 = 0 }"),
];

#[test]
fn refusals() {
    for (name, line, with) in CASES {
        insta::assert_snapshot!(*name, refusal(&base_with(line, with)));
    }
}

const PERMIT: &str = r#"
[permit]
validity = "1 year"
[[permit.rollout]]
year = 2024
stage = "pilot"
districts = ["320281", "320205"]

[[permit.criterion]]
id = "a"
zh = "条件"
en = "Criterion"
clause = "§0"
test = """
temporary_residence_permit
  and residence for 1 yaer"""
"#;

/// The rollout's districts and years, and a criterion spread over lines.
#[test]
fn permit_refusals() {
    let good = PERMIT.replace("yaer", "year");
    let cases = [
        ("permit_criterion", PERMIT.to_owned()),
        (
            "permit_district_outside_city",
            good.replace("\"320205\"", "\"320505\""),
        ),
        (
            "permit_city_as_district",
            good.replace("\"320205\"", "\"3202\""),
        ),
        (
            "permit_unknown_stage",
            good.replace("\"pilot\"", "\"trial\""),
        ),
        (
            "permit_year_outside_plan",
            good.replace("year = 2024", "year = 2023"),
        ),
        (
            "permit_entitlement_twice",
            format!(
                "{good}{}{}",
                "[[permit.entitlement]]\nid = \"x\"\nzh = \"待遇\"\nen = \"E\"\nclause = \"§0\"\n",
                "[[permit.entitlement]]\nid = \"x\"\nzh = \"待遇\"\nen = \"E\"\nclause = \"§0\"\n"
            ),
        ),
        (
            "permit_validity_zero",
            good.replace("validity = \"1 year\"", "validity = \"0 days\""),
        ),
        (
            "permit_validity_missing",
            good.replace("validity = \"1 year\"\n", ""),
        ),
        (
            "permit_criterion_names_itself",
            good.replace("and residence for 1 year", "and new_citizen"),
        ),
    ];
    for (name, permit) in cases {
        let text = format!("{}{permit}", super::tests::BASE);
        insta::assert_snapshot!(name, refusal(&text));
    }
}
