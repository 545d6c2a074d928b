package dev.portcullis.policy.sql;

import dev.portcullis.policy.StatementKind;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.delete.ParenthesedDelete;
import net.sf.jsqlparser.statement.insert.ConflictActionType;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.insert.ParenthesedInsert;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.merge.MergeDelete;
import net.sf.jsqlparser.statement.merge.MergeInsert;
import net.sf.jsqlparser.statement.merge.MergeOperation;
import net.sf.jsqlparser.statement.merge.MergeUpdate;
import net.sf.jsqlparser.statement.piped.FromQuery;
import net.sf.jsqlparser.statement.select.FromItem;
import net.sf.jsqlparser.statement.select.FromItemVisitor;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.select.LateralSubSelect;
import net.sf.jsqlparser.statement.select.ParenthesedFromItem;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectVisitor;
import net.sf.jsqlparser.statement.select.SetOperationList;
import net.sf.jsqlparser.statement.select.TableFunction;
import net.sf.jsqlparser.statement.select.TableStatement;
import net.sf.jsqlparser.statement.select.Values;
import net.sf.jsqlparser.statement.select.WithItem;
import net.sf.jsqlparser.statement.update.ParenthesedUpdate;
import net.sf.jsqlparser.statement.update.Update;

/**
 * Walks a JSqlParser statement and records kinds, relations and function calls into {@link Findings}. Our own
 * walker (not TablesNamesFinder, which throws on data-modifying CTEs and ignores CTE scope): a CTE name hides a
 * relation only for unqualified references inside the WITH that binds it, and in a non-recursive WITH only after
 * its own definition — so {@code WITH secrets AS (SELECT * FROM secrets)} still reports {@code public.secrets}.
 *
 * <p>It counts the SELECTs, TABLE statements and INTO targets it visited so the caller can check them against the
 * token stream: a subquery hidden in a clause this walker does not visit makes the counts disagree (fail closed).
 */
final class RelationCollector implements SelectVisitor<Void>, FromItemVisitor<Void> {
  private final Findings f;
  private final Deque<Set<String>> cteScopes = new ArrayDeque<>();
  private final ExpressionWalker expressions;
  final Set<String> cteNames = new HashSet<>();
  int selects;
  int tableStatements;
  int intos;

  RelationCollector(Findings findings) {
    this.f = findings;
    this.expressions = new ExpressionWalker(findings, this);
  }

  void statement(Statement st) {
    if (st instanceof Select select) {
      f.kind(StatementKind.SELECT);
      select.accept((SelectVisitor<Void>) this, null);
    } else if (st instanceof Insert insert) {
      withScope(insert.getWithItemsList(), () -> insert(insert));
    } else if (st instanceof Update update) {
      withScope(update.getWithItemsList(), () -> update(update));
    } else if (st instanceof Delete delete) {
      withScope(delete.getWithItemsList(), () -> delete(delete));
    } else if (st instanceof Merge merge) {
      withScope(merge.getWithItemsList(), () -> merge(merge));
    } else {
      f.fail("statement type " + st.getClass().getSimpleName() + " not supported here");
    }
  }

  private void insert(Insert insert) {
    f.kind(StatementKind.INSERT);
    intos++;
    table(insert.getTable());
    if (insert.getSelect() != null) {
      insert.getSelect().accept((SelectVisitor<Void>) this, null);
    }
    if (insert.getConflictAction() != null) {
      if (insert.getConflictAction().getConflictActionType() == ConflictActionType.DO_UPDATE) {
        f.kind(StatementKind.UPDATE);
      }
      expressions.updateSets(insert.getConflictAction().getUpdateSets());
      expressions.expression(insert.getConflictAction().getWhereExpression());
    }
    if (insert.getConflictTarget() != null) {
      expressions.expression(insert.getConflictTarget().getWhereExpression());
    }
    expressions.selectItems(insert.getReturningClause());
  }

  private void update(Update update) {
    f.kind(StatementKind.UPDATE);
    table(update.getTable());
    expressions.updateSets(update.getUpdateSets());
    fromItem(update.getFromItem());
    joins(update.getStartJoins());
    joins(update.getJoins());
    expressions.expression(update.getWhere());
    expressions.selectItems(update.getReturningClause());
  }

  private void delete(Delete delete) {
    f.kind(StatementKind.DELETE);
    table(delete.getTable());
    if (delete.getTables() != null) {
      delete.getTables().forEach(this::table);
    }
    if (delete.getUsingList() != null) {
      delete.getUsingList().forEach(this::table);
    }
    joins(delete.getJoins());
    expressions.expression(delete.getWhere());
    expressions.selectItems(delete.getReturningClause());
  }

  private void merge(Merge merge) {
    f.kind(StatementKind.MERGE);
    intos++;
    table(merge.getTable());
    table(merge.getUsingTable());
    fromItem(merge.getFromItem());
    expressions.expression(merge.getOnCondition());
    if (merge.getOperations() != null) {
      for (MergeOperation op : merge.getOperations()) {
        if (op instanceof MergeUpdate u) {
          expressions.updateSets(u.getUpdateSets());
          expressions.expression(u.getAndPredicate());
          expressions.expression(u.getWhereCondition());
          expressions.expression(u.getDeleteWhereCondition());
        } else if (op instanceof MergeInsert i) {
          expressions.expression(i.getAndPredicate());
          expressions.expression(i.getValues());
          expressions.expression(i.getWhereCondition());
        } else if (op instanceof MergeDelete d) {
          expressions.expression(d.getAndPredicate());
        } else {
          f.fail("MERGE action not understood");
        }
      }
    }
  }

  private void withScope(List<WithItem<?>> items, Runnable body) {
    if (items == null || items.isEmpty()) {
      body.run();
      return;
    }
    Set<String> scope = new HashSet<>();
    cteScopes.push(scope);
    try {
      if (items.stream().anyMatch(WithItem::isRecursive)) {
        items.forEach(item -> scope.add(RelationNames.normalizePart(item.getAliasName())));
      }
      for (WithItem<?> item : items) {
        // getSelect() casts and throws on a data-modifying CTE: look at the parenthesed statement itself
        Object cte = item.getParenthesedStatement();
        if (cte instanceof ParenthesedSelect select) {
          select.accept((SelectVisitor<Void>) this, null);
        } else if (cte instanceof ParenthesedInsert insert) {
          insert(insert.getInsert());
        } else if (cte instanceof ParenthesedUpdate update) {
          update(update.getUpdate());
        } else if (cte instanceof ParenthesedDelete delete) {
          delete(delete.getDelete());
        } else {
          f.fail("WITH item not understood");
        }
        scope.add(RelationNames.normalizePart(item.getAliasName()));
        cteNames.add(RelationNames.normalizePart(item.getAliasName()));
      }
      body.run();
    } finally {
      cteScopes.pop();
    }
  }

  private void table(Table table) {
    if (table == null) {
      return;
    }
    if (table.getDatabaseName() != null && !table.getDatabaseName().isEmpty()) {
      f.fail("cross-database reference " + table.getFullyQualifiedName());
      return;
    }
    String name = RelationNames.normalizePart(table.getName());
    String schema = table.getSchemaName();
    if (name.indexOf('.') >= 0 || schema != null && RelationNames.normalizePart(schema).indexOf('.') >= 0) {
      f.fail("a relation name containing '.' is not supported");
      return;
    }
    if (schema == null || schema.isEmpty()) {
      for (Set<String> scope : cteScopes) {
        if (scope.contains(name)) {
          return; // a CTE bound in an enclosing WITH
        }
      }
      f.table(RelationNames.resolve(List.of(name)));
    } else {
      f.table(RelationNames.resolve(List.of(RelationNames.normalizePart(schema), name)));
    }
  }

  private void fromItem(FromItem item) {
    if (item != null) {
      item.accept(this, null);
    }
  }

  private void joins(List<Join> joins) {
    if (joins != null) {
      for (Join j : joins) {
        fromItem(j.getFromItem());
        expressions.expressions(j.getOnExpressions());
      }
    }
  }

  /** LIMIT/OFFSET/FETCH/ORDER BY of any select: they take expressions, so subqueries and calls too. */
  private void tail(Select s) {
    expressions.orderBy(s.getOrderByElements());
    if (s.getLimit() != null) {
      expressions.expression(s.getLimit().getRowCount());
      expressions.expression(s.getLimit().getOffset());
    }
    if (s.getOffset() != null) {
      expressions.expression(s.getOffset().getOffset());
    }
    if (s.getFetch() != null) {
      expressions.expression(s.getFetch().getExpression());
    }
    if (s.getForMode() != null) {
      f.kind(StatementKind.UPDATE);
    }
  }

  @Override
  public <S> Void visit(PlainSelect ps, S context) {
    selects++;
    withScope(ps.getWithItemsList(), () -> {
      expressions.selectItems(ps.getSelectItems());
      if (ps.getDistinct() != null) {
        expressions.selectItems(ps.getDistinct().getOnSelectItems());
      }
      fromItem(ps.getFromItem());
      joins(ps.getJoins());
      expressions.expression(ps.getWhere());
      if (ps.getGroupBy() != null) {
        expressions.groupBy(ps.getGroupBy().getGroupByExpressionList());
        if (ps.getGroupBy().getGroupingSets() != null) {
          expressions.expressions(ps.getGroupBy().getGroupingSets());
        }
      }
      expressions.expression(ps.getHaving());
      expressions.expression(ps.getQualify());
      if (ps.getWindowDefinitions() != null) {
        ps.getWindowDefinitions().forEach(expressions::window);
      }
      if (ps.getIntoTables() != null && !ps.getIntoTables().isEmpty()) {
        f.kind(StatementKind.DDL).kind(StatementKind.INSERT);
        intos++;
        ps.getIntoTables().forEach(this::table);
      }
      tail(ps);
    });
    return null;
  }

  @Override
  public <S> Void visit(ParenthesedSelect ps, S context) {
    withScope(ps.getWithItemsList(), () -> {
      ps.getSelect().accept((SelectVisitor<Void>) this, context);
      tail(ps);
    });
    return null;
  }

  @Override
  public <S> Void visit(SetOperationList list, S context) {
    withScope(list.getWithItemsList(), () -> {
      list.getSelects().forEach(s -> s.accept((SelectVisitor<Void>) this, context));
      tail(list);
    });
    return null;
  }

  @Override
  public <S> Void visit(WithItem<?> withItem, S context) {
    f.fail("WITH item outside a WITH clause");
    return null;
  }

  @Override
  public <S> Void visit(Values values, S context) {
    expressions.expression(values.getExpressions());
    return null;
  }

  @Override
  public <S> Void visit(LateralSubSelect lateral, S context) {
    return visit((ParenthesedSelect) lateral, context);
  }

  @Override
  public <S> Void visit(TableStatement ts, S context) {
    tableStatements++;
    table(ts.getTable());
    return null;
  }

  @Override
  public <S> Void visit(FromQuery fromQuery, S context) {
    f.fail("piped FROM queries are not PostgreSQL");
    return null;
  }

  @Override
  public <S> Void visit(Table table, S context) {
    table(table);
    return null;
  }

  @Override
  public <S> Void visit(TableFunction tf, S context) {
    expressions.expression(tf.getFunction());
    return null;
  }

  @Override
  public <S> Void visit(ParenthesedFromItem item, S context) {
    fromItem(item.getFromItem());
    joins(item.getJoins());
    return null;
  }

  // Both visitor interfaces declare these context-free defaults; Java needs one choice.
  @Override
  public void visit(ParenthesedSelect ps) {
    visit(ps, null);
  }

  @Override
  public void visit(PlainSelect ps) {
    visit(ps, null);
  }

  @Override
  public void visit(SetOperationList list) {
    visit(list, null);
  }

  @Override
  public void visit(Values values) {
    visit(values, null);
  }

  @Override
  public void visit(LateralSubSelect lateral) {
    visit(lateral, null);
  }

  @Override
  public void visit(TableStatement ts) {
    visit(ts, null);
  }
}
