package dev.containerrunner.plugin.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A profile's {@code affinity}: node affinity only (which nodes a task's pod may or should go to);
 * pod affinity and anti-affinity are refused.
 *
 * <pre>{@code
 * affinity:
 *   required:                  # the pod goes only to a node matching one of these terms
 *     - match_expressions: [{key: pool, operator: In, values: [batch, spot]}]
 *   preferred:                 # the scheduler favours nodes matching these, by weight 1..100
 *     - {weight: 50, match_expressions: [{key: disk, operator: In, values: [ssd]}]}
 * }</pre>
 *
 * @param required  node selector terms, any one of which must match (empty: no requirement)
 * @param preferred weighted terms the scheduler favours
 */
public record NodeAffinity(List<Term> required, List<Preferred> preferred) {

    /** The operators of a node selector requirement. */
    public static final Set<String> OPERATORS = Set.of("In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt");

    public NodeAffinity {
        required = List.copyOf(required);
        preferred = List.copyOf(preferred);
    }

    /** A node selector term: every expression must match. */
    public record Term(List<Expression> expressions) {
        public Term {
            expressions = List.copyOf(expressions);
        }
    }

    /** A weighted preferred term. */
    public record Preferred(int weight, Term term) {
    }

    /** One requirement: a node label {@code key}, an {@code operator} and its {@code values}. */
    public record Expression(String key, String operator, List<String> values) {
        public Expression {
            values = List.copyOf(values);
        }
    }

    static NodeAffinity read(ConfigReader a) {
        for (String key : a.keys()) {
            String k = key.replace("_", "").replace("-", "").toLowerCase(java.util.Locale.ROOT);
            if (k.startsWith("pod")) {
                throw a.error(key, "is refused: a profile's affinity is node affinity only (required, preferred);"
                        + " pod affinity and anti-affinity are not supported");
            }
        }
        List<Term> required = new ArrayList<>();
        for (ConfigReader t : a.objectList("required")) {
            required.add(term(t));
        }
        List<Preferred> preferred = new ArrayList<>();
        for (ConfigReader p : a.objectList("preferred")) {
            int weight = p.intValue(List.of("weight"), 0, 1, 100);
            p.check(weight > 0, "weight", "is required: a whole number from 1 to 100");
            preferred.add(new Preferred(weight, term(p)));
        }
        a.check(!required.isEmpty() || !preferred.isEmpty(), "required", "or preferred must hold at least one term");
        a.rejectUnknown();
        return new NodeAffinity(required, preferred);
    }

    private static Term term(ConfigReader t) {
        List<Expression> expressions = new ArrayList<>();
        for (ConfigReader e : t.objectList("match_expressions")) {
            String key = e.optionalString("key").orElseThrow(() -> e.error("key", "is required (a node label key)"));
            e.checked("key", () -> KubeSyntax.qualifiedName(key, "node label key"));
            String operator = e.optionalString("operator").orElseThrow(() -> e.error("operator", "is required, one of "
                    + new java.util.TreeSet<>(OPERATORS)));
            e.check(OPERATORS.contains(operator), "operator", "must be one of " + new java.util.TreeSet<>(OPERATORS) + ", got '"
                    + operator + "'");
            List<String> values = e.stringList("values");
            switch (operator) {
                case "In", "NotIn" -> e.check(!values.isEmpty(), "values", "must name at least one value with " + operator);
                case "Exists", "DoesNotExist" -> e.check(values.isEmpty(), "values", "must be left out with " + operator);
                default -> e.check(values.size() == 1 && values.get(0).matches("-?[0-9]{1,18}"), "values",
                        "must be one whole number (as a string, e.g. ['4']) with " + operator);
            }
            values.forEach(v -> e.checked("values", () -> KubeSyntax.labelValue(v, "node label value")));
            e.rejectUnknown();
            expressions.add(new Expression(key, operator, values));
        }
        t.check(!expressions.isEmpty(), "match_expressions", "must hold at least one {key, operator, values}");
        t.rejectUnknown();
        return new Term(expressions);
    }
}
