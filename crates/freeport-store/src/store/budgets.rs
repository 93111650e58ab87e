//! The differential-privacy budget ledger: totals and spends in fixed-point units, checked and
//! spent in one step of a write transaction.

use super::{Tx, db_error, to_u64};
use crate::StoreError;
use crate::budget::{self, DELTA_SCALE, EPSILON_SCALE, Round};
use crate::db::params;
use crate::error::{BudgetExceeded, InvalidBudget};
use crate::model::Budget;

impl Tx<'_> {
    fn amount(
        &self,
        dataset: &str,
        field: &'static str,
        value: f64,
        scale: u32,
        round: Round,
    ) -> Result<i64, StoreError> {
        budget::to_units(value, scale, round).map_err(|bad| {
            StoreError::InvalidBudget(Box::new(InvalidBudget {
                path: self.path.to_owned(),
                dataset: dataset.to_owned(),
                field,
                value,
                reason: bad.reason(),
            }))
        })
    }

    fn budget_units(&self, dataset: &str) -> Result<Option<[i64; 5]>, StoreError> {
        self.tx
            .query_opt(
                // PostgreSQL sums BIGINTs as `numeric`: cast back (a no-op in SQLite).
                "SELECT l.epsilon_units, l.delta_units,
                        CAST(COALESCE(SUM(s.epsilon_units), 0) AS BIGINT),
                        CAST(COALESCE(SUM(s.delta_units), 0) AS BIGINT),
                        COUNT(s.seq)
                 FROM budget_limit l LEFT JOIN budget_spend s ON s.dataset = l.dataset
                 WHERE l.dataset = ?1
                 GROUP BY l.dataset",
                params![dataset],
            )
            .and_then(|row| {
                row.map(|row| {
                    Ok([
                        row.int(0)?,
                        row.int(1)?,
                        row.int(2)?,
                        row.int(3)?,
                        row.int(4)?,
                    ])
                })
                .transpose()
            })
            .map_err(db_error(self.path, "read a privacy budget"))
    }

    fn budget_of(units: [i64; 5]) -> Budget {
        let [
            epsilon_total,
            delta_total,
            epsilon_spent,
            delta_spent,
            spends,
        ] = units;
        Budget {
            epsilon_total: budget::from_units(epsilon_total, EPSILON_SCALE),
            delta_total: budget::from_units(delta_total, DELTA_SCALE),
            epsilon_spent: budget::from_units(epsilon_spent, EPSILON_SCALE),
            delta_spent: budget::from_units(delta_spent, DELTA_SCALE),
            spends: to_u64(spends),
        }
    }

    /// Configures (or changes) a dataset's total epsilon and delta. Totals round down to 1e-9
    /// (epsilon) and 1e-18 (delta).
    ///
    /// # Errors
    ///
    /// [`StoreError::InvalidBudget`] for a negative, non-finite or too large value, or a total
    /// below what is already spent; database failures.
    pub fn set_budget(
        &mut self,
        dataset: &str,
        epsilon_total: f64,
        delta_total: f64,
    ) -> Result<Budget, StoreError> {
        let epsilon = self.amount(
            dataset,
            "epsilon total",
            epsilon_total,
            EPSILON_SCALE,
            Round::Down,
        )?;
        let delta = self.amount(
            dataset,
            "delta total",
            delta_total,
            DELTA_SCALE,
            Round::Down,
        )?;
        if let Some([_, _, eps_spent, delta_spent, _]) = self.budget_units(dataset)? {
            for (field, value, total, spent) in [
                ("epsilon total", epsilon_total, epsilon, eps_spent),
                ("delta total", delta_total, delta, delta_spent),
            ] {
                if total < spent {
                    return Err(StoreError::InvalidBudget(Box::new(InvalidBudget {
                        path: self.path.to_owned(),
                        dataset: dataset.to_owned(),
                        field,
                        value,
                        reason: "is below what is already spent",
                    })));
                }
            }
        }
        self.tx
            .execute(
                "INSERT INTO budget_limit (dataset, epsilon_units, delta_units, set_at)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (dataset) DO UPDATE SET
                    epsilon_units = excluded.epsilon_units,
                    delta_units = excluded.delta_units,
                    set_at = excluded.set_at",
                params![dataset, epsilon, delta, &jiff::Timestamp::now().to_string()],
            )
            .map_err(db_error(self.path, "set a privacy budget"))?;
        self.budget(dataset)?.ok_or_else(|| StoreError::NoBudget {
            path: self.path.to_owned(),
            dataset: dataset.to_owned(),
        })
    }

    /// Spends `epsilon` and `delta` from the dataset's budget, or refuses without spending
    /// anything if either total would be exceeded. Spends round up to 1e-9 (epsilon) and 1e-18
    /// (delta), and the check and the spend are one step of this transaction, so concurrent
    /// spenders can never overdraw.
    ///
    /// # Errors
    ///
    /// [`StoreError::NoBudget`] if no total is configured, [`StoreError::InvalidBudget`] for a
    /// negative or non-finite amount, [`StoreError::BudgetExceeded`], database failures.
    pub fn spend_budget(
        &mut self,
        dataset: &str,
        epsilon: f64,
        delta: f64,
        description: &str,
    ) -> Result<Budget, StoreError> {
        let eps_units = self.amount(dataset, "epsilon", epsilon, EPSILON_SCALE, Round::Up)?;
        let delta_units = self.amount(dataset, "delta", delta, DELTA_SCALE, Round::Up)?;
        let Some([eps_total, delta_total, eps_spent, delta_spent, _]) =
            self.budget_units(dataset)?
        else {
            return Err(StoreError::NoBudget {
                path: self.path.to_owned(),
                dataset: dataset.to_owned(),
            });
        };
        let eps_left = eps_total.saturating_sub(eps_spent);
        let delta_left = delta_total.saturating_sub(delta_spent);
        if eps_units > eps_left || delta_units > delta_left {
            return Err(StoreError::BudgetExceeded(Box::new(BudgetExceeded {
                path: self.path.to_owned(),
                dataset: dataset.to_owned(),
                epsilon,
                delta,
                epsilon_left: budget::from_units(eps_left, EPSILON_SCALE),
                delta_left: budget::from_units(delta_left, DELTA_SCALE),
            })));
        }
        self.tx
            .execute(
                "INSERT INTO budget_spend (dataset, epsilon_units, delta_units, description, spent_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    dataset,
                    eps_units,
                    delta_units,
                    description,
                    &jiff::Timestamp::now().to_string()
                ],
            )
            .map_err(db_error(self.path, "record a privacy-budget spend"))?;
        self.budget(dataset)?.ok_or_else(|| StoreError::NoBudget {
            path: self.path.to_owned(),
            dataset: dataset.to_owned(),
        })
    }

    /// A dataset's budget: totals, what is spent, and how many spends; `None` if not configured.
    ///
    /// # Errors
    ///
    /// the database fails.
    pub fn budget(&mut self, dataset: &str) -> Result<Option<Budget>, StoreError> {
        Ok(self.budget_units(dataset)?.map(Self::budget_of))
    }

    /// Moves the budget kept under `from` (its total and every spend) to `to`, when `to` has
    /// none: a dataset's identity changed its encoding, not the dataset. `false` when there was
    /// nothing to move (no budget under `from`, or one under `to` already).
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn carry_budget(&mut self, from: &str, to: &str) -> Result<bool, StoreError> {
        if from == to || self.budget_units(to)?.is_some() || self.budget_units(from)?.is_none() {
            return Ok(false);
        }
        // The new total first, so the spends' reference always points at a row.
        self.tx
            .execute(
                "INSERT INTO budget_limit (dataset, epsilon_units, delta_units, set_at)
                 SELECT ?2, epsilon_units, delta_units, set_at FROM budget_limit
                 WHERE dataset = ?1",
                params![from, to],
            )
            .and_then(|_| {
                self.tx.execute(
                    "UPDATE budget_spend SET dataset = ?2 WHERE dataset = ?1",
                    params![from, to],
                )
            })
            .and_then(|_| {
                self.tx
                    .execute("DELETE FROM budget_limit WHERE dataset = ?1", params![from])
            })
            .map_err(db_error(
                self.path,
                "carry a privacy budget to a dataset's new id",
            ))?;
        Ok(true)
    }
}
