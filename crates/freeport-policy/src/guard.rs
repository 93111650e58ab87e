//! Pre-filtering of a pack's policies by their leading guards, so that Cedar evaluates only the
//! policies that may fire.
//!
//! Cedar evaluates a policy's condition as `scope && c1 && c2 && ...`, left to right, stopping at
//! the first `false`. At load, each policy's leading conditions `c1, c2, ...` written in a small
//! fragment of Cedar (context attributes, literals, `!`, `&&`, `||`, `==`, `!=`, `<`, `<=`,
//! `>`, `>=` and `.contains`) are compiled into [`Guard`]s. Per request, the guards are
//! evaluated in Rust on the same typed values Cedar receives, with Cedar's semantics, in three
//! values: true, false, or *unsure* (an attribute missing or of another type, where Cedar could
//! raise an error). A policy is left out only when its guards, evaluated in order, give `true`
//! up to one that gives `false`: Cedar would evaluate exactly those conditions, get the same
//! values, and stop at the same `false` without an error. The scope never raises an error
//! (`==`/`in`/`is` on the request's entities), so it cannot turn that `false` into an error.
//! Every policy the guards cannot rule out goes to Cedar, which has the last word; the guards
//! only save the evaluation of policies that cannot fire.
//!
//! A test compares the filtered evaluation with the full one on generated contexts and on every
//! scenario of `rules/tests`.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock, PoisonError, RwLock};

use cedar_policy::{Policy, PolicySet, RestrictedExpression};
use serde_json::Value as Json;

/// A typed value of a context attribute: what the judge computes and what Cedar receives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Attr {
    /// `Bool`.
    Bool(bool),
    /// `Long`.
    Long(i64),
    /// `String`.
    Str(String),
    /// `Set<String>`.
    Set(Vec<String>),
}

impl Attr {
    /// The same value as a Cedar expression.
    pub(crate) fn to_cedar(&self) -> RestrictedExpression {
        match self {
            Self::Bool(b) => RestrictedExpression::new_bool(*b),
            Self::Long(n) => RestrictedExpression::new_long(*n),
            Self::Str(s) => RestrictedExpression::new_string(s.clone()),
            Self::Set(items) => RestrictedExpression::new_set(
                items
                    .iter()
                    .map(|s| RestrictedExpression::new_string(s.clone())),
            ),
        }
    }
}

/// A literal in a guard.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Literal {
    Bool(bool),
    Long(i64),
    Str(String),
}

impl Literal {
    fn from_json(value: &Json) -> Option<Self> {
        match value {
            Json::Bool(b) => Some(Self::Bool(*b)),
            Json::Number(n) => n.as_i64().map(Self::Long),
            Json::String(s) => Some(Self::Str(s.clone())),
            _ => None,
        }
    }

    /// Cedar's `==` between an attribute value and this literal: values of different types
    /// are unequal, never an error.
    fn equals(&self, value: &Attr) -> bool {
        match (self, value) {
            (Self::Bool(a), Attr::Bool(b)) => a == b,
            (Self::Long(a), Attr::Long(b)) => a == b,
            (Self::Str(a), Attr::Str(b)) => a == b,
            _ => false,
        }
    }

    /// Cedar's `==` between two literals.
    fn equals_literal(&self, other: &Self) -> bool {
        self == other
    }
}

/// Comparison of a `Long` attribute with a `Long` literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    Less,
    LessEq,
    Greater,
    GreaterEq,
}

impl Order {
    fn from_op(op: &str) -> Option<Self> {
        Some(match op {
            "<" => Self::Less,
            "<=" => Self::LessEq,
            ">" => Self::Greater,
            ">=" => Self::GreaterEq,
            _ => return None,
        })
    }

    /// The same comparison with its operands swapped (`5 < x` is `x > 5`).
    fn flipped(self) -> Self {
        match self {
            Self::Less => Self::Greater,
            Self::LessEq => Self::GreaterEq,
            Self::Greater => Self::Less,
            Self::GreaterEq => Self::LessEq,
        }
    }

    fn holds(self, a: i64, b: i64) -> bool {
        match self {
            Self::Less => a < b,
            Self::LessEq => a <= b,
            Self::Greater => a > b,
            Self::GreaterEq => a >= b,
        }
    }
}

/// A compiled condition; attributes are indices into [`Plan::names`].
#[derive(Debug, Clone, PartialEq, Eq)]
enum Guard {
    Const(bool),
    /// `context.a` (a `Bool`).
    Attr(usize),
    /// `context.a == literal` (or the literal first).
    Eq(usize, Literal),
    /// `literal == literal`.
    LiteralEq(Literal, Literal),
    /// `context.a < literal` and the like, the attribute on the left.
    Compare(usize, Order, i64),
    /// `context.a < context.b` and the like (a count against a threshold the judge passes).
    CompareAttrs(usize, Order, usize),
    /// `context.a.contains(literal)` (a set attribute).
    Contains(usize, Literal),
    Not(Box<Guard>),
    And(Box<Guard>, Box<Guard>),
    Or(Box<Guard>, Box<Guard>),
}

/// Three-valued result: `None` is unsure (Cedar might raise an error or see another value).
type Truth = Option<bool>;

impl Guard {
    fn eval(&self, values: &[Option<&Attr>]) -> Truth {
        let attr = |i: &usize| values.get(*i).copied().flatten();
        match self {
            Self::Const(b) => Some(*b),
            Self::Attr(i) => match attr(i)? {
                Attr::Bool(b) => Some(*b),
                _ => None,
            },
            Self::Eq(i, literal) => Some(literal.equals(attr(i)?)),
            Self::LiteralEq(a, b) => Some(a.equals_literal(b)),
            Self::Compare(i, order, n) => match attr(i)? {
                Attr::Long(a) => Some(order.holds(*a, *n)),
                _ => None,
            },
            Self::CompareAttrs(i, order, j) => match (attr(i)?, attr(j)?) {
                (Attr::Long(a), Attr::Long(b)) => Some(order.holds(*a, *b)),
                _ => None,
            },
            Self::Contains(i, literal) => match attr(i)? {
                Attr::Set(items) => Some(match literal {
                    Literal::Str(s) => items.iter().any(|item| item == s),
                    // A set of strings holds no Bool or Long.
                    Literal::Bool(_) | Literal::Long(_) => false,
                }),
                _ => None,
            },
            Self::Not(g) => g.eval(values).map(|b| !b),
            // Cedar short-circuits: the right operand is evaluated only when needed, and must
            // be a Bool.
            Self::And(a, b) => match a.eval(values)? {
                false => Some(false),
                true => b.eval(values),
            },
            Self::Or(a, b) => match a.eval(values)? {
                true => Some(true),
                false => b.eval(values),
            },
        }
    }
}

/// Compiles Cedar's JSON form of policies into guards, collecting attribute names.
#[derive(Debug, Default)]
struct Compiler {
    names: Vec<String>,
}

impl Compiler {
    fn attribute(&mut self, expr: &Json) -> Option<usize> {
        let access = expr.get(".")?;
        if access.get("left")?.get("Var")?.as_str()? != "context" {
            return None;
        }
        let name = access.get("attr")?.as_str()?;
        Some(match self.names.iter().position(|n| n == name) {
            Some(i) => i,
            None => {
                self.names.push(name.to_owned());
                self.names.len() - 1
            }
        })
    }

    fn operands<'j>(expr: &'j Json, op: &str) -> Option<(&'j Json, &'j Json)> {
        let node = expr.get(op)?;
        Some((node.get("left")?, node.get("right")?))
    }

    /// The guard for `expr`, if it lies in the fragment this module evaluates.
    fn guard(&mut self, expr: &Json) -> Option<Guard> {
        let object = expr.as_object()?;
        let (op, _) = object.iter().next().filter(|_| object.len() == 1)?;
        Some(match op.as_str() {
            "Value" => match Literal::from_json(object.get("Value")?)? {
                Literal::Bool(b) => Guard::Const(b),
                // A Long or String where a Bool is needed is an error in Cedar.
                Literal::Long(_) | Literal::Str(_) => return None,
            },
            "." => Guard::Attr(self.attribute(expr)?),
            "!" => Guard::Not(Box::new(self.guard(expr.get("!")?.get("arg")?)?)),
            "&&" | "||" => {
                let (left, right) = Self::operands(expr, op)?;
                let (left, right) = (Box::new(self.guard(left)?), Box::new(self.guard(right)?));
                if op == "&&" {
                    Guard::And(left, right)
                } else {
                    Guard::Or(left, right)
                }
            }
            "==" | "!=" => {
                let (left, right) = Self::operands(expr, op)?;
                let literal = |e: &Json| e.get("Value").and_then(Literal::from_json);
                let eq = match (literal(left), literal(right)) {
                    (Some(a), Some(b)) => Guard::LiteralEq(a, b),
                    (None, Some(b)) => Guard::Eq(self.attribute(left)?, b),
                    (Some(a), None) => Guard::Eq(self.attribute(right)?, a),
                    (None, None) => return None,
                };
                if op == "==" {
                    eq
                } else {
                    Guard::Not(Box::new(eq))
                }
            }
            "<" | "<=" | ">" | ">=" => {
                let order = Order::from_op(op)?;
                let (left, right) = Self::operands(expr, op)?;
                let long = |e: &Json| e.get("Value").and_then(Json::as_i64);
                match (long(left), long(right)) {
                    (None, Some(n)) => Guard::Compare(self.attribute(left)?, order, n),
                    (Some(n), None) => Guard::Compare(self.attribute(right)?, order.flipped(), n),
                    (None, None) => {
                        Guard::CompareAttrs(self.attribute(left)?, order, self.attribute(right)?)
                    }
                    (Some(_), Some(_)) => return None,
                }
            }
            "contains" => {
                let (set, element) = Self::operands(expr, op)?;
                let literal = Literal::from_json(element.get("Value")?)?;
                Guard::Contains(self.attribute(set)?, literal)
            }
            _ => return None,
        })
    }

    /// The leading conditions of a policy that compile, in evaluation order.
    fn policy(&mut self, policy: &Json) -> Vec<Guard> {
        let mut conjuncts: Vec<&Json> = Vec::new();
        let mut negated: Vec<bool> = Vec::new();
        for condition in policy
            .get("conditions")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            let Some(body) = condition.get("body") else {
                break;
            };
            match condition.get("kind").and_then(Json::as_str) {
                Some("when") => {
                    flatten_and(body, &mut conjuncts);
                    negated.resize(conjuncts.len(), false);
                }
                Some("unless") => {
                    conjuncts.push(body);
                    negated.push(true);
                }
                _ => break,
            }
        }
        let mut guards = Vec::new();
        for (conjunct, negated) in conjuncts.into_iter().zip(negated) {
            let Some(guard) = self.guard(conjunct) else {
                break;
            };
            guards.push(if negated {
                Guard::Not(Box::new(guard))
            } else {
                guard
            });
        }
        guards
    }
}

/// `a && b && c` (parsed as `(a && b) && c`) as `[a, b, c]`, in evaluation order.
fn flatten_and<'j>(expr: &'j Json, out: &mut Vec<&'j Json>) {
    match expr
        .get("&&")
        .filter(|_| expr.as_object().is_some_and(|o| o.len() == 1))
    {
        Some(node) => match (node.get("left"), node.get("right")) {
            (Some(left), Some(right)) => {
                flatten_and(left, out);
                flatten_and(right, out);
            }
            _ => out.push(expr),
        },
        None => out.push(expr),
    }
}

/// Policy sets for sets of surviving policies, kept while they stay few.
const SETS_CAPACITY: usize = 4096;

/// The guards of one pack's evaluation policies and the policy sets Cedar evaluates.
#[derive(Debug)]
pub(crate) struct Plan {
    /// The context attributes the guards read, by index.
    names: Vec<String>,
    /// Per policy, in the order of `policies`, its leading guards.
    guards: Vec<Vec<Guard>>,
    policies: Vec<Policy>,
    /// Keyed by the bit mask of surviving policies (bit `i` = `policies[i]`).
    sets: RwLock<HashMap<u64, Arc<PolicySet>>>,
    /// Where each of `names` sits in the judge's contexts (see [`Plan::values`]).
    positions: OnceLock<Vec<Option<usize>>>,
}

/// Which policies may fire: a bit per policy of the pack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Survivors(u64);

impl Survivors {
    /// Whether no policy can fire.
    pub(crate) fn is_empty(self) -> bool {
        self.0 == 0
    }
}

impl Plan {
    /// Compiles the guards of `policies` (the evaluation set of a pack).
    pub(crate) fn new(policies: &PolicySet) -> Result<Self, String> {
        let mut compiler = Compiler::default();
        let mut guards = Vec::new();
        let mut kept = Vec::new();
        for policy in policies.policies() {
            let json = policy.to_json().map_err(|e| e.to_string())?;
            guards.push(compiler.policy(&json));
            kept.push(policy.clone());
        }
        // Beyond 64 policies the bit mask cannot name them: evaluate everything.
        if kept.len() > 64 {
            guards.iter_mut().for_each(Vec::clear);
        }
        Ok(Self {
            names: compiler.names,
            guards,
            policies: kept,
            sets: RwLock::new(HashMap::new()),
            positions: OnceLock::new(),
        })
    }

    /// The policies whose guards do not rule them out on `context`.
    pub(crate) fn survivors(&self, context: &[(&str, Attr)]) -> Survivors {
        let values = self.values(context);
        let mut mask = 0_u64;
        for (i, guards) in self.guards.iter().enumerate() {
            let ruled_out = guards
                .iter()
                .map(|g| g.eval(&values))
                .take_while(|t| t.is_some())
                .any(|t| t == Some(false));
            if !ruled_out && i < 64 {
                mask |= 1 << i;
            }
        }
        if self.policies.len() > 64 {
            mask = u64::MAX;
        }
        Survivors(mask)
    }

    /// The value of each attribute the guards read. The judge builds its contexts in a fixed
    /// order, so positions found in the first context are tried first and checked by name; an
    /// attribute missing from that first context counts as missing, which only keeps policies.
    fn values<'c>(&self, context: &'c [(&str, Attr)]) -> Vec<Option<&'c Attr>> {
        let positions = self.positions.get_or_init(|| {
            self.names
                .iter()
                .map(|name| context.iter().position(|(n, _)| n == name))
                .collect()
        });
        self.names
            .iter()
            .zip(positions)
            .map(|(name, position)| {
                let at = (*position)?;
                match context.get(at) {
                    Some((n, value)) if n == name => Some(value),
                    _ => context.iter().find(|(n, _)| n == name).map(|(_, v)| v),
                }
            })
            .collect()
    }

    /// The policy set holding exactly the survivors.
    pub(crate) fn policy_set(&self, survivors: Survivors) -> Result<Arc<PolicySet>, String> {
        if let Some(set) = self
            .sets
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&survivors.0)
        {
            return Ok(Arc::clone(set));
        }
        let mut set = PolicySet::new();
        for (i, policy) in self.policies.iter().enumerate() {
            if i >= 64 || survivors.0 & (1 << i) != 0 {
                set.add(policy.clone()).map_err(|e| e.to_string())?;
            }
        }
        let set = Arc::new(set);
        let mut sets = self.sets.write().unwrap_or_else(PoisonError::into_inner);
        if sets.len() >= SETS_CAPACITY {
            sets.clear();
        }
        sets.insert(survivors.0, Arc::clone(&set));
        Ok(set)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn attr(name: &str) -> Json {
        json!({".": {"left": {"Var": "context"}, "attr": name}})
    }

    #[test]
    fn guards_follow_cedar_short_circuits_and_types() {
        let mut compiler = Compiler::default();
        let g = compiler
            .guard(&json!({"&&": {"left": attr("a"), "right": {">": {"left": attr("n"), "right": {"Value": 5}}}}}))
            .unwrap();
        let a_true = Attr::Bool(true);
        let a_false = Attr::Bool(false);
        let six = Attr::Long(6);
        let text = Attr::Str("6".to_owned());
        // Names are a, n in that order.
        assert_eq!(g.eval(&[Some(&a_true), Some(&six)]), Some(true));
        // `false && <anything>` is false, even where the right side would be an error.
        assert_eq!(g.eval(&[Some(&a_false), Some(&text)]), Some(false));
        assert_eq!(g.eval(&[Some(&a_false), None]), Some(false));
        // A String compared with `>` is an error in Cedar: unsure.
        assert_eq!(g.eval(&[Some(&a_true), Some(&text)]), None);
        // A missing attribute is an error in Cedar: unsure.
        assert_eq!(g.eval(&[None, Some(&six)]), None);
    }

    #[test]
    fn equality_across_types_is_false_and_literals_flip() {
        let mut compiler = Compiler::default();
        let eq = compiler
            .guard(&json!({"==": {"left": {"Value": "x"}, "right": attr("s")}}))
            .unwrap();
        let lt = compiler
            .guard(&json!({"<": {"left": {"Value": 5}, "right": attr("n")}}))
            .unwrap();
        let x = Attr::Str("x".to_owned());
        let one = Attr::Long(1);
        assert_eq!(eq.eval(&[Some(&x), None]), Some(true));
        assert_eq!(eq.eval(&[Some(&one), None]), Some(false));
        // `5 < n` is `n > 5`.
        assert_eq!(lt.eval(&[None, Some(&Attr::Long(6))]), Some(true));
        assert_eq!(lt.eval(&[None, Some(&Attr::Long(5))]), Some(false));
    }

    #[test]
    fn an_attribute_compares_with_another() {
        let mut compiler = Compiler::default();
        let over = compiler
            .guard(&json!({">": {"left": attr("n"), "right": attr("limit")}}))
            .unwrap();
        let (five, six) = (Attr::Long(5), Attr::Long(6));
        let text = Attr::Str("5".to_owned());
        // Names are n, limit in that order.
        assert_eq!(over.eval(&[Some(&six), Some(&five)]), Some(true));
        assert_eq!(over.eval(&[Some(&five), Some(&five)]), Some(false));
        // A String on either side is an error in Cedar, and so is a missing attribute: unsure.
        assert_eq!(over.eval(&[Some(&six), Some(&text)]), None);
        assert_eq!(over.eval(&[Some(&text), Some(&five)]), None);
        assert_eq!(over.eval(&[Some(&six), None]), None);
        // Two literals are not a guard.
        assert_eq!(
            compiler.guard(&json!({">": {"left": {"Value": 6}, "right": {"Value": 5}}})),
            None
        );
    }

    #[test]
    fn only_leading_conditions_in_the_fragment_become_guards() {
        let policy = json!({
            "conditions": [{"kind": "when", "body": {"&&": {
                "left": {"&&": {"left": attr("a"), "right": {"like": {"left": attr("s"), "pattern": []}}}},
                "right": attr("b")
            }}}]
        });
        let mut compiler = Compiler::default();
        // `like` is outside the fragment: `b` after it is not a guard, whatever its value.
        assert_eq!(compiler.policy(&policy), vec![Guard::Attr(0)]);
        let unless = json!({"conditions": [{"kind": "unless", "body": attr("c")}]});
        assert_eq!(
            compiler.policy(&unless),
            vec![Guard::Not(Box::new(Guard::Attr(1)))]
        );
    }
}
