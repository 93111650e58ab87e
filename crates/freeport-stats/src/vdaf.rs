//! The four Prio3 instances behind the queries, with byte-level entry points for sites and
//! aggregators: sharding, the one-round verification between the two aggregators, and
//! aggregate shares (accumulate, merge, noise, encode).
//!
//! Aggregator ids follow the country (`cn` = 0, `us` = 1), whichever one leads. The verification
//! key is 32 bytes (TurboSHAKE128 seeds), nonces 16 bytes.

use prio::codec::{Encode, ParameterizedDecode};
use prio::field::{Field64, Field128, FieldElementWithInteger};
use prio::vdaf::prio3::{Prio3, Prio3Count, Prio3Histogram, Prio3Sum, Prio3SumVec};
use prio::vdaf::{Aggregatable, AggregateShare, Aggregator, Client, OutputShare, VerifyTransition};

use rayon::prelude::*;

use crate::noise;
use crate::query::{Measurement, Plan};
use crate::{Error, Result};

/// A query's Prio3 instance.
#[derive(Debug, Clone)]
pub enum Instance {
    /// Prio3Count.
    Count(Prio3Count),
    /// Prio3Sum.
    Sum(Prio3Sum),
    /// Prio3Histogram.
    Histogram(Prio3Histogram),
    /// Prio3SumVec.
    SumVec(Prio3SumVec),
}

/// An output share (one verified report, one aggregator).
#[derive(Debug, Clone)]
pub enum OutShare {
    /// Over Field64 (Count, Sum).
    F64(OutputShare<Field64>),
    /// Over Field128 (Histogram, SumVec).
    F128(OutputShare<Field128>),
}

/// An aggregate share.
#[derive(Debug, Clone)]
pub enum AggShare {
    /// Over Field64 (Count, Sum).
    F64(AggregateShare<Field64>),
    /// Over Field128 (Histogram, SumVec).
    F128(AggregateShare<Field128>),
}

/// A sharded report: its public share and one input share per aggregator (by aggregator id).
#[derive(Debug, Clone)]
pub struct Sharded {
    /// The public share.
    pub public: Vec<u8>,
    /// The input shares, `cn` first.
    pub shares: [Vec<u8>; 2],
}

/// One report as an aggregator sees it, decrypted.
#[derive(Debug, Clone)]
pub struct Item<'a> {
    /// The nonce.
    pub nonce: [u8; 16],
    /// The public share.
    pub public: &'a [u8],
    /// This aggregator's input share.
    pub input: &'a [u8],
}

/// The SumVec chunk length for `len` coordinates of `bits` bits (≈ √(bits·len), as prio
/// recommends).
fn chunk_length(bits: usize, len: usize) -> usize {
    let n = (bits * len).max(1) as f64;
    (n.sqrt().round() as usize).max(1)
}

impl Instance {
    /// The instance of a plan.
    ///
    /// # Errors
    ///
    /// Parameters prio refuses.
    pub fn new(plan: &Plan) -> Result<Self> {
        Ok(match plan {
            Plan::Count => Self::Count(Prio3::new_count(2)?),
            Plan::Sum { max } => Self::Sum(Prio3::new_sum(2, *max)?),
            Plan::Histogram { labels } => {
                let len = labels.len() + 1;
                Self::Histogram(Prio3::new_histogram(2, len, chunk_length(1, len))?)
            }
            Plan::Vector { .. } => {
                let max = plan.vector_max();
                let bits = (128 - max.leading_zeros()) as usize;
                Self::SumVec(Prio3::new_sum_vec(
                    2,
                    max,
                    plan.len(),
                    chunk_length(bits, plan.len()),
                )?)
            }
        })
    }

    /// Shards a measurement (the site's step).
    ///
    /// # Errors
    ///
    /// The measurement does not fit the instance (a bug in encoding).
    pub fn shard(&self, ctx: &[u8], m: &Measurement, nonce: &[u8; 16]) -> Result<Sharded> {
        match (self, m) {
            (Self::Count(v), Measurement::Count(x)) => shard_g(v, ctx, x, nonce),
            (Self::Sum(v), Measurement::Sum(x)) => shard_g(v, ctx, x, nonce),
            (Self::Histogram(v), Measurement::Histogram(x)) => shard_g(v, ctx, x, nonce),
            (Self::SumVec(v), Measurement::Vector(x)) => shard_g(v, ctx, x, nonce),
            _ => Err(Error::Vdaf(
                "measurement of another kind than the query's instance".to_owned(),
            )),
        }
    }

    /// An empty aggregate share.
    #[must_use]
    pub fn empty(&self) -> AggShare {
        match self {
            Self::Count(v) => AggShare::F64(v.aggregate_init(&())),
            Self::Sum(v) => AggShare::F64(v.aggregate_init(&())),
            Self::Histogram(v) => AggShare::F128(v.aggregate_init(&())),
            Self::SumVec(v) => AggShare::F128(v.aggregate_init(&())),
        }
    }

    /// Decodes a stored or received aggregate share.
    ///
    /// # Errors
    ///
    /// The bytes are not an aggregate share of this instance.
    pub fn decode_agg(&self, bytes: &[u8]) -> Result<AggShare> {
        Ok(match self {
            Self::Count(v) => {
                AggShare::F64(AggregateShare::get_decoded_with_param(&(v, &()), bytes)?)
            }
            Self::Sum(v) => {
                AggShare::F64(AggregateShare::get_decoded_with_param(&(v, &()), bytes)?)
            }
            Self::Histogram(v) => {
                AggShare::F128(AggregateShare::get_decoded_with_param(&(v, &()), bytes)?)
            }
            Self::SumVec(v) => {
                AggShare::F128(AggregateShare::get_decoded_with_param(&(v, &()), bytes)?)
            }
        })
    }

    /// The leader's side of the one verification round: `verify_init` on every item (a failure
    /// rejects that item alone), then `helper` gets the leader's verifier shares (`None` for
    /// rejected items) and answers with one verifier message per item (`None`: the helper
    /// rejected it); `verify_next` finishes. Returns one output share per accepted item.
    ///
    /// # Errors
    ///
    /// Only when `helper` fails or answers for another number of items.
    pub fn leader_round<H>(
        &self,
        verify_key: &[u8; 32],
        ctx: &[u8],
        agg_id: usize,
        items: &[Item<'_>],
        helper: H,
    ) -> Result<Vec<Option<OutShare>>>
    where
        H: FnOnce(Vec<Option<Vec<u8>>>) -> Result<Vec<Option<Vec<u8>>>>,
    {
        match self {
            Self::Count(v) => wrap(
                leader_g(v, verify_key, ctx, agg_id, items, helper),
                OutShare::F64,
            ),
            Self::Sum(v) => wrap(
                leader_g(v, verify_key, ctx, agg_id, items, helper),
                OutShare::F64,
            ),
            Self::Histogram(v) => wrap(
                leader_g(v, verify_key, ctx, agg_id, items, helper),
                OutShare::F128,
            ),
            Self::SumVec(v) => wrap(
                leader_g(v, verify_key, ctx, agg_id, items, helper),
                OutShare::F128,
            ),
        }
    }

    /// The helper's side for one item: `verify_init`, combine with the leader's verifier share
    /// into the round's message, `verify_next`. Returns the message (for the leader) and the
    /// helper's output share.
    ///
    /// # Errors
    ///
    /// The report does not verify or a message is malformed: reject the report.
    pub fn helper_step(
        &self,
        verify_key: &[u8; 32],
        ctx: &[u8],
        agg_id: usize,
        item: &Item<'_>,
        leader_share: &[u8],
    ) -> Result<(Vec<u8>, OutShare)> {
        match self {
            Self::Count(v) => helper_g(v, verify_key, ctx, agg_id, item, leader_share)
                .map(|(m, o)| (m, OutShare::F64(o))),
            Self::Sum(v) => helper_g(v, verify_key, ctx, agg_id, item, leader_share)
                .map(|(m, o)| (m, OutShare::F64(o))),
            Self::Histogram(v) => helper_g(v, verify_key, ctx, agg_id, item, leader_share)
                .map(|(m, o)| (m, OutShare::F128(o))),
            Self::SumVec(v) => helper_g(v, verify_key, ctx, agg_id, item, leader_share)
                .map(|(m, o)| (m, OutShare::F128(o))),
        }
    }
}

fn wrap<O>(r: Result<Vec<Option<O>>>, f: impl Fn(O) -> OutShare) -> Result<Vec<Option<OutShare>>> {
    Ok(r?.into_iter().map(|o| o.map(&f)).collect())
}

fn shard_g<V: Client<16>>(
    v: &V,
    ctx: &[u8],
    m: &V::Measurement,
    nonce: &[u8; 16],
) -> Result<Sharded> {
    let (public, shares) = v.shard(ctx, m, nonce)?;
    let mut encoded = shares.iter().map(Encode::get_encoded);
    let (Some(a), Some(b)) = (encoded.next(), encoded.next()) else {
        return Err(Error::Vdaf(
            "sharding gave fewer than two shares".to_owned(),
        ));
    };
    Ok(Sharded {
        public: public.get_encoded()?,
        shares: [a?, b?],
    })
}

type Init<V> = (
    <V as Aggregator<32, 16>>::VerifyState,
    <V as Aggregator<32, 16>>::VerifierShare,
);

fn init_g<V>(
    v: &V,
    verify_key: &[u8; 32],
    ctx: &[u8],
    agg_id: usize,
    item: &Item<'_>,
) -> Result<Init<V>>
where
    V: Aggregator<32, 16, AggregationParam = ()>,
{
    let public = V::PublicShare::get_decoded_with_param(v, item.public)?;
    let input = V::InputShare::get_decoded_with_param(&(v, agg_id), item.input)?;
    Ok(v.verify_init(verify_key, ctx, agg_id, &(), &item.nonce, &public, &input)?)
}

fn finish_g<V>(
    v: &V,
    ctx: &[u8],
    state: V::VerifyState,
    message: V::VerifierMessage,
) -> Result<V::OutputShare>
where
    V: Aggregator<32, 16, AggregationParam = ()>,
{
    match v.verify_next(ctx, state, message)? {
        VerifyTransition::Finish(out) => Ok(out),
        VerifyTransition::Continue(..) => {
            Err(Error::Vdaf("Prio3 asked for a second round".to_owned()))
        }
    }
}

fn leader_g<V, H>(
    v: &V,
    verify_key: &[u8; 32],
    ctx: &[u8],
    agg_id: usize,
    items: &[Item<'_>],
    helper: H,
) -> Result<Vec<Option<V::OutputShare>>>
where
    V: Aggregator<32, 16, AggregationParam = ()> + Sync,
    V::VerifyState: Send,
    V::OutputShare: Send,
    H: FnOnce(Vec<Option<Vec<u8>>>) -> Result<Vec<Option<Vec<u8>>>>,
{
    // `verify_init` and `verify_next` report by report on every core.
    let (states, shares): (Vec<_>, Vec<_>) = items
        .par_iter()
        .map(|item| match init_g(v, verify_key, ctx, agg_id, item) {
            Ok((state, share)) => (Some(state), share.get_encoded().ok()),
            Err(_) => (None, None),
        })
        .unzip();
    let messages = helper(shares)?;
    if messages.len() != items.len() {
        return Err(Error::Protocol(format!(
            "the helper answered for {} of {} reports",
            messages.len(),
            items.len()
        )));
    }
    Ok(states
        .into_par_iter()
        .zip(messages)
        .map(|(state, message)| {
            let (state, message) = (state?, message?);
            let message = V::VerifierMessage::get_decoded_with_param(&state, &message).ok()?;
            finish_g(v, ctx, state, message).ok()
        })
        .collect())
}

fn helper_g<V>(
    v: &V,
    verify_key: &[u8; 32],
    ctx: &[u8],
    agg_id: usize,
    item: &Item<'_>,
    leader_share: &[u8],
) -> Result<(Vec<u8>, V::OutputShare)>
where
    V: Aggregator<32, 16, AggregationParam = ()>,
{
    let (state, own) = init_g(v, verify_key, ctx, agg_id, item)?;
    let leader = V::VerifierShare::get_decoded_with_param(&state, leader_share)?;
    let ordered = if agg_id == 0 {
        [own, leader]
    } else {
        [leader, own]
    };
    let message = v.verifier_shares_to_message(ctx, &(), ordered)?;
    let encoded = message.get_encoded()?;
    let out = finish_g(v, ctx, state, message)?;
    Ok((encoded, out))
}

impl AggShare {
    /// Adds one output share.
    ///
    /// # Errors
    ///
    /// The output share belongs to another field or length.
    pub fn accumulate(&mut self, out: &OutShare) -> Result<()> {
        match (self, out) {
            (Self::F64(a), OutShare::F64(o)) => a.accumulate(o)?,
            (Self::F128(a), OutShare::F128(o)) => a.accumulate(o)?,
            _ => return Err(Error::Vdaf("output share of another field".to_owned())),
        }
        Ok(())
    }

    /// Adds another aggregate share.
    ///
    /// # Errors
    ///
    /// The share belongs to another field or length.
    pub fn merge(&mut self, other: &Self) -> Result<()> {
        match (self, other) {
            (Self::F64(a), Self::F64(o)) => a.merge(o)?,
            (Self::F128(a), Self::F128(o)) => a.merge(o)?,
            _ => return Err(Error::Vdaf("aggregate share of another field".to_owned())),
        }
        Ok(())
    }

    /// The share's encoding.
    ///
    /// # Errors
    ///
    /// Never for a well-formed share.
    pub fn encode(&self) -> Result<Vec<u8>> {
        Ok(match self {
            Self::F64(a) => a.get_encoded()?,
            Self::F128(a) => a.get_encoded()?,
        })
    }

    /// Adds discrete Laplace noise of `scales` (one per coordinate).
    ///
    /// # Errors
    ///
    /// A scale out of range or a length mismatch.
    pub fn add_noise(&mut self, scales: &[f64]) -> Result<()> {
        match self {
            Self::F64(a) => *a = noisy(a, scales)?,
            Self::F128(a) => *a = noisy(a, scales)?,
        }
        Ok(())
    }

    /// The coordinates as signed integers.
    #[must_use]
    pub fn signed(&self) -> Vec<i128> {
        match self {
            Self::F64(a) => a.as_ref().iter().map(|x| noise::signed(*x)).collect(),
            Self::F128(a) => a.as_ref().iter().map(|x| noise::signed(*x)).collect(),
        }
    }
}

fn noisy<F>(share: &AggregateShare<F>, scales: &[f64]) -> Result<AggregateShare<F>>
where
    F: FieldElementWithInteger,
    F::Integer: TryFrom<u128>,
{
    let mut values = share.as_ref().to_vec();
    noise::add_noise(&mut values, scales)?;
    Ok(AggregateShare::from(values))
}
