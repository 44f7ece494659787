//! Reader for one input format (see `ingest` module docs).

use std::path::Path;

use super::IngestError;
use crate::model::StoreBuilder;

pub fn read(_builder: &mut StoreBuilder, path: &Path) -> Result<(), IngestError> {
    Err(IngestError::new(
        path,
        None,
        None,
        "format reader not implemented yet",
    ))
}
