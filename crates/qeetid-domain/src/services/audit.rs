//! Recording audit events from the use cases.

use super::Context;
use crate::audit::{AuditEvent, NewEvent};
use crate::id::EventId;
use crate::ports::AuditRepository;

/// Records `event` with a fresh id and the time. A failure is not the caller's: the
/// action the event describes has happened and stands, and the store adapter
/// reports the event it could not keep (see the `AuditRepository` port).
pub(crate) async fn record<S: AuditRepository>(store: &S, cx: &Context, event: NewEvent) {
    let at = cx.clock.now();
    let event = AuditEvent {
        id: EventId::ordered(at, cx.random.as_ref()),
        tenant_id: event.tenant_id,
        at,
        kind: event.kind,
        actor: event.actor.label(),
        user_id: event.user_id,
        client_id: event.client_id,
        address: event.address,
        details: event.details,
    };
    let _ = store.insert_event(&event).await;
}
