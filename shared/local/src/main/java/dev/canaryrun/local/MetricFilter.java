package dev.canaryrun.local;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The subset of the Cloud Monitoring filter language the emulator understands: clauses
 * joined by {@code AND}, each {@code field = value} or {@code field != value}, where value
 * is a quoted string, a bare word, or {@code one_of("a", ...)}, {@code starts_with("a")},
 * {@code ends_with("a")}, {@code has_substring("a")}. Fields: {@code metric.type},
 * {@code resource.type}, {@code project}, {@code metric.label(s).NAME},
 * {@code resource.label(s).NAME}. Anything else is rejected with INVALID_ARGUMENT naming
 * it, so a test never silently gets more data than the real API would return.
 */
final class MetricFilter {

  enum Function { EQUALS, ONE_OF, STARTS_WITH, ENDS_WITH, HAS_SUBSTRING }

  /** One clause; {@code field} is normalised to {@code resource.labels.x} style. */
  record Clause(String field, boolean negated, Function function, List<String> values) {
    Clause {
      values = List.copyOf(values);
    }

    boolean matches(Map<String, String> fields) {
      String actual = fields.get(field);
      boolean hit = actual != null && switch (function) {
        case EQUALS, ONE_OF -> values.contains(actual);
        case STARTS_WITH -> actual.startsWith(values.get(0));
        case ENDS_WITH -> actual.endsWith(values.get(0));
        case HAS_SUBSTRING -> actual.contains(values.get(0));
      };
      return negated != hit;
    }
  }

  private final List<Clause> clauses;
  private final String metricType;

  private MetricFilter(List<Clause> clauses, String metricType) {
    this.clauses = List.copyOf(clauses);
    this.metricType = metricType;
  }

  String metricType() {
    return metricType;
  }

  List<Clause> clauses() {
    return clauses;
  }

  /** True when every clause holds for these fields (metric.type, resource.labels.x, ...). */
  boolean matches(Map<String, String> fields) {
    for (Clause c : clauses) {
      if (!c.matches(fields)) {
        return false;
      }
    }
    return true;
  }

  static MetricFilter parse(String filter) {
    Objects.requireNonNull(filter, "filter");
    Parser p = new Parser(tokenize(filter));
    List<Clause> clauses = new ArrayList<>();
    clauses.add(p.clause());
    while (!p.atEnd()) {
      if (p.startsClause()) {
        // Juxtaposition is AND in the Monitoring filter language: Google's own Cloud Run
        // dashboard writes metric.type="..." resource.type="...".
        clauses.add(p.clause());
        continue;
      }
      Token t = p.next();
      if (t.kind != Kind.WORD || !t.text.equals("AND")) {
        throw unsupported("expected AND between clauses, got " + t.describe()
            + (t.text.equals("OR") || t.text.equals("NOT") ? " (" + t.text
            + " is not supported by the local emulator; only AND-combined clauses)" : ""));
      }
      clauses.add(p.clause());
    }
    String type = null;
    for (Clause c : clauses) {
      if (c.field().equals("metric.type")) {
        if (type != null || c.negated() || c.function() != Function.EQUALS) {
          throw unsupported("the filter must name exactly one metric type with "
              + "metric.type = \"...\"");
        }
        type = c.values().get(0);
      }
    }
    if (type == null) {
      throw unsupported("the filter must name a metric type with metric.type = \"...\"");
    }
    return new MetricFilter(clauses, type);
  }

  // ------------------------------------------------------------------ lexer / parser

  private enum Kind { WORD, STRING, EQ, NE, LPAREN, RPAREN, COMMA }

  private record Token(Kind kind, String text) {
    String describe() {
      return kind == Kind.STRING ? "\"" + text + "\"" : "'" + text + "'";
    }
  }

  private static List<Token> tokenize(String s) {
    List<Token> out = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '"' || c == '\'') {
        StringBuilder b = new StringBuilder();
        int j = i + 1;
        while (j < s.length() && s.charAt(j) != c) {
          if (s.charAt(j) == '\\' && j + 1 < s.length()) {
            j++;
          }
          b.append(s.charAt(j));
          j++;
        }
        if (j >= s.length()) {
          throw unsupported("unterminated string starting at position " + i);
        }
        out.add(new Token(Kind.STRING, b.toString()));
        i = j + 1;
      } else if (c == '=') {
        out.add(new Token(Kind.EQ, "="));
        i++;
      } else if (c == '!' && i + 1 < s.length() && s.charAt(i + 1) == '=') {
        out.add(new Token(Kind.NE, "!="));
        i += 2;
      } else if (c == '(') {
        out.add(new Token(Kind.LPAREN, "("));
        i++;
      } else if (c == ')') {
        out.add(new Token(Kind.RPAREN, ")"));
        i++;
      } else if (c == ',') {
        out.add(new Token(Kind.COMMA, ","));
        i++;
      } else if (Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '/' || c == '-') {
        int j = i;
        while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j))
            || "_./-".indexOf(s.charAt(j)) >= 0)) {
          j++;
        }
        out.add(new Token(Kind.WORD, s.substring(i, j)));
        i = j;
      } else {
        String op = s.substring(i, Math.min(s.length(), i + 2)).trim();
        throw unsupported("unsupported filter syntax '" + op + "' at position " + i
            + " (supported: =, !=, AND, one_of, starts_with, ends_with, has_substring)");
      }
    }
    return out;
  }

  private static final class Parser {
    private final List<Token> tokens;
    private int pos;

    Parser(List<Token> tokens) {
      this.tokens = tokens;
    }

    boolean atEnd() {
      return pos >= tokens.size();
    }

    /** A field name followed by an operator: a clause, not a keyword. */
    boolean startsClause() {
      return pos + 1 < tokens.size() && tokens.get(pos).kind == Kind.WORD
          && (tokens.get(pos + 1).kind == Kind.EQ || tokens.get(pos + 1).kind == Kind.NE);
    }

    Token next() {
      if (atEnd()) {
        throw unsupported("filter ends too early");
      }
      return tokens.get(pos++);
    }

    Token expect(Kind kind, String what) {
      Token t = next();
      if (t.kind != kind) {
        throw unsupported("expected " + what + ", got " + t.describe());
      }
      return t;
    }

    Clause clause() {
      Token field = expect(Kind.WORD, "a field name");
      String name = normaliseField(field.text);
      Token op = next();
      if (op.kind != Kind.EQ && op.kind != Kind.NE) {
        throw unsupported("unsupported operator " + op.describe() + " after " + field.text
            + " (supported: =, !=)");
      }
      Token value = next();
      if (value.kind == Kind.STRING) {
        return new Clause(name, op.kind == Kind.NE, Function.EQUALS, List.of(value.text));
      }
      if (value.kind != Kind.WORD) {
        throw unsupported("expected a value after " + op.text + ", got " + value.describe());
      }
      if (atEnd() || tokens.get(pos).kind != Kind.LPAREN) {
        return new Clause(name, op.kind == Kind.NE, Function.EQUALS, List.of(value.text));
      }
      Function function = switch (value.text) {
        case "one_of" -> Function.ONE_OF;
        case "starts_with" -> Function.STARTS_WITH;
        case "ends_with" -> Function.ENDS_WITH;
        case "has_substring" -> Function.HAS_SUBSTRING;
        default -> throw unsupported("unsupported filter function '" + value.text
            + "' (supported: one_of, starts_with, ends_with, has_substring)");
      };
      expect(Kind.LPAREN, "(");
      List<String> args = new ArrayList<>();
      args.add(expect(Kind.STRING, "a quoted string").text);
      while (tokens.size() > pos && tokens.get(pos).kind == Kind.COMMA) {
        pos++;
        args.add(expect(Kind.STRING, "a quoted string").text);
      }
      expect(Kind.RPAREN, ")");
      if (function != Function.ONE_OF && args.size() != 1) {
        throw unsupported(value.text + " takes exactly one argument, got " + args.size());
      }
      return new Clause(name, op.kind == Kind.NE, function, args);
    }
  }

  private static String normaliseField(String field) {
    if (field.equals("metric.type") || field.equals("resource.type")
        || field.equals("project")) {
      return field;
    }
    for (String prefix : List.of("resource", "metric")) {
      for (String form : List.of(prefix + ".labels.", prefix + ".label.")) {
        if (field.startsWith(form) && field.length() > form.length()) {
          return prefix + ".labels." + field.substring(form.length());
        }
      }
    }
    throw unsupported("unsupported filter field '" + field + "' (supported: metric.type, "
        + "resource.type, project, metric.labels.NAME, resource.labels.NAME)");
  }

  private static StatusRuntimeException unsupported(String message) {
    return Status.INVALID_ARGUMENT.withDescription("filter: " + message).asRuntimeException();
  }
}
