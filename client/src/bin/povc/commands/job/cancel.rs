//! `povc job cancel`: withdraw a job whose workers are not drawn yet.

use povc_client::{api::povc, types::Balance};
use povc_primitives::JobId;
use serde_json::json;

use crate::{context::Context, failure::Outcome};

pub async fn run(context: &Context, id: JobId) -> Outcome {
	let signer = context.signer()?;
	let connection = context.connection().await?;
	let inclusion = connection.execute(signer, &povc::tx().jobs().cancel_job(id)).await?;
	let refunds = inclusion.find::<povc::jobs::events::EscrowRefunded>()?;
	let refunded: Balance = refunds.iter().map(|refund| refund.amount).sum();
	context.print(json!({ "job": id, "refunded": refunded.to_string() }), || {
		format!("cancelled job {id}; {} refunded", connection.token().format(refunded))
	});
	Ok(())
}
