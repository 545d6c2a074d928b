package dev.portcullis.policy.sql;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.sf.jsqlparser.expression.AnalyticExpression;
import net.sf.jsqlparser.expression.AnyComparisonExpression;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.ExpressionVisitorAdapter;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.MySQLGroupConcat;
import net.sf.jsqlparser.expression.TimezoneExpression;
import net.sf.jsqlparser.expression.TrimFunction;
import net.sf.jsqlparser.expression.WindowDefinition;
import net.sf.jsqlparser.statement.select.OrderByElement;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.select.SelectVisitor;
import net.sf.jsqlparser.statement.update.UpdateSet;

/**
 * Walks expressions for {@link RelationCollector}: records every function call and hands subqueries to the
 * collector. JSqlParser's adapter skips parts of some nodes (FILTER, OVER, an aggregate's ORDER BY, AT TIME ZONE,
 * ANY (subquery)); those are walked here explicitly, and {@link TokenCrossCheck} catches whatever is still missed.
 */
final class ExpressionWalker extends ExpressionVisitorAdapter<Void> {
  private static final Set<String> SYNTAX_CALLS = Set.of("array", "any", "all", "some", "exists", "row");
  private static final Set<String> GROUPING_CALLS = Set.of("rollup", "cube");

  private final Findings f;
  private final SelectVisitor<Void> selects;

  ExpressionWalker(Findings findings, SelectVisitor<Void> selects) {
    this.f = findings;
    this.selects = selects;
    setSelectVisitor(selects);
  }

  @Override
  public <S> Void visit(Function function, S context) {
    List<String> parts = function.getMultipartName();
    // ARRAY(…), ANY(…), ALL(…) are grammar, not calls — unless quoted, when they name a user function
    if (!(parts.size() == 1 && SYNTAX_CALLS.contains(parts.get(0).toLowerCase(Locale.ROOT)))) {
      f.function(functionName(parts));
    }
    return super.visit(function, context);
  }

  @Override
  public <S> Void visit(AnalyticExpression analytic, S context) {
    // the adapter skips FILTER, OVER (PARTITION BY … ORDER BY …) and the aggregate's own ORDER BY
    f.function(RelationNames.normalizePart(analytic.getName()));
    expression(analytic.getExpression());
    expression(analytic.getOffset());
    expression(analytic.getDefaultValue());
    expression(analytic.getFilterExpression());
    expression(analytic.getPartitionExpressionList());
    orderBy(analytic.getOrderByElements());
    orderBy(analytic.getFuncOrderBy());
    window(analytic.getWindowDefinition());
    return null;
  }

  @Override
  public <S> Void visit(TimezoneExpression tz, S context) {
    expression(tz.getLeftExpression());
    expressions(tz.getTimezoneExpressions());
    return null;
  }

  @Override
  public <S> Void visit(TrimFunction trim, S context) {
    expression(trim.getExpression()); // the adapter throws when TRIM(BOTH FROM x) leaves one side empty
    expression(trim.getFromExpression());
    return null;
  }

  @Override
  public <S> Void visit(AnyComparisonExpression any, S context) {
    any.getSelect().accept(selects, context);
    return null;
  }

  @Override
  public <S> Void visit(MySQLGroupConcat concat, S context) {
    f.function("group_concat"); // not a PostgreSQL built-in: only a user function can answer it
    return super.visit(concat, context);
  }

  static String functionName(List<String> parts) {
    List<String> normalized = new ArrayList<>(parts.size());
    for (String p : parts) {
      normalized.add(RelationNames.normalizePart(p));
    }
    return String.join(".", normalized);
  }

  void expressions(Collection<? extends Expression> list) {
    if (list != null) {
      list.forEach(this::expression);
    }
  }

  void selectItems(List<? extends SelectItem<?>> items) {
    if (items != null) {
      for (SelectItem<?> item : items) {
        expression(item.getExpression());
      }
    }
  }

  void updateSets(List<UpdateSet> sets) {
    if (sets != null) {
      for (UpdateSet set : sets) {
        expression(set.getValues());
      }
    }
  }

  /** In GROUP BY, ROLLUP(…) and CUBE(…) are grammar; elsewhere the same words would call a function. */
  void groupBy(List<?> items) {
    if (items == null) {
      return;
    }
    for (Object item : items) {
      if (item instanceof Function fn && fn.getMultipartName().size() == 1
          && GROUPING_CALLS.contains(fn.getMultipartName().get(0).toLowerCase(Locale.ROOT))) {
        expression(fn.getParameters());
      } else if (item instanceof Expression e) {
        expression(e);
      }
    }
  }

  void window(WindowDefinition w) {
    if (w != null) {
      expression(w.getPartitionExpressionList());
      orderBy(w.getOrderByElements());
    }
  }

  void orderBy(List<OrderByElement> elements) {
    if (elements != null) {
      elements.forEach(o -> expression(o.getExpression()));
    }
  }

  void expression(Expression e) {
    if (e != null) {
      e.accept(this, null);
    }
  }
}
