//! Services: LoadBalancer ingress assigned after the configured delay (unless the fault
//! "LB never gets an address" is set for it).

use super::{Action, Ctx};
use crate::store::{name_of, ns_of};

/// One pass: queue an address for every LoadBalancer Service without one.
pub fn pass(cx: &mut Ctx) -> bool {
    let rt = cx.rt("v1", "Service");
    for svc in cx
        .inner
        .list(&rt, None, &Default::default(), &Default::default())
    {
        if svc["spec"]["type"] != "LoadBalancer" {
            continue;
        }
        let has = svc["status"]["loadBalancer"]["ingress"]
            .as_array()
            .is_some_and(|a| !a.is_empty());
        let key = (ns_of(&svc).to_string(), name_of(&svc).to_string());
        let never = {
            let f = cx.state.faults.lb_never.lock();
            f.contains(&key) || f.contains(&("*".to_string(), "*".to_string()))
        };
        if !has && !never && cx.state.runtime.lb_pending_insert(&key) {
            cx.actions.push(Action::AssignLb {
                ns: key.0,
                name: key.1,
            });
        }
    }
    false
}
