//! Paginated lists: `limit`/`continue` pages handed over one object at a
//! time, so memory holds one page, never the whole collection.

use std::fmt::Debug;

use kube::Resource;
use kube::api::{Api, ListParams};
use serde::de::DeserializeOwned;

use super::Cluster;
use super::error::Action;
use crate::error::CliResult;

/// Objects per page: the API server's own default chunk size for kubectl.
pub const PAGE_SIZE: u32 = 500;

/// Lists every object matching `params`, page by page, calling `each` on
/// each object. Returns the number of pages fetched.
pub async fn for_each<K>(
    cluster: &Cluster,
    api: &Api<K>,
    action: &Action<'_>,
    params: &ListParams,
    mut each: impl FnMut(K),
) -> CliResult<usize>
where
    K: Resource + Clone + DeserializeOwned + Debug,
{
    let mut params = params.clone().limit(PAGE_SIZE);
    let mut pages = 0;
    loop {
        let page = cluster.call(action, || api.list(&params)).await?;
        pages += 1;
        let next = page.metadata.continue_.clone().filter(|token| !token.is_empty());
        page.items.into_iter().for_each(&mut each);
        match next {
            Some(token) => params = params.continue_token(&token),
            None => return Ok(pages),
        }
    }
}
