//! Rules on attached files: a version 2 field; names, media types, sizes
//! and hashes that match the data; image bytes that match the declared
//! image type; counts and total bytes within [`super::limits`].

use super::Report;
use super::limits::*;
use super::text::{required_text, too_long};
use crate::attachment::{Attachment, ImageType, Kind, is_media_type, is_sha256_hex, sha256_hex};
use crate::snapshot::Message;

/// Checks every message's attachments and the snapshot's totals.
pub(super) fn check(messages: &[Message], version: u32, report: &mut Report) {
    let mut count = 0usize;
    let mut total_bytes = 0usize;
    for (i, message) in messages.iter().enumerate() {
        if message.attachments.is_empty() {
            continue;
        }
        let path = format!("messages[{i}].attachments");
        if version < 2 {
            report.push(&path, "is a schema version 2 field: set schemaVersion to 2");
        }
        if message.attachments.len() > MAX_ATTACHMENTS_PER_MESSAGE {
            report.push(
                &path,
                format!(
                    "must contain at most {MAX_ATTACHMENTS_PER_MESSAGE} files (got {})",
                    message.attachments.len()
                ),
            );
        }
        for (j, attachment) in message.attachments.iter().enumerate() {
            count += 1;
            total_bytes += check_one(&format!("{path}[{j}]"), attachment, report);
        }
    }
    if count > MAX_ATTACHMENTS {
        report.push(
            "messages",
            format!("must carry at most {MAX_ATTACHMENTS} attachments in all (got {count})"),
        );
    }
    if total_bytes > MAX_ATTACHMENTS_TOTAL_BYTES {
        report.push(
            "messages",
            format!(
                "attachments must total at most {MAX_ATTACHMENTS_TOTAL_BYTES} bytes (got {total_bytes})"
            ),
        );
    }
}

/// Checks one file; answers its decoded size (0 when it does not decode).
fn check_one(path: &str, attachment: &Attachment, report: &mut Report) -> usize {
    let name_path = format!("{path}.name");
    required_text(
        report,
        &name_path,
        &attachment.name,
        MAX_ATTACHMENT_NAME_BYTES,
    );
    if attachment.name.contains(['/', '\\']) {
        report.push(&name_path, "must be a file name without a path");
    }
    let type_path = format!("{path}.mediaType");
    if attachment.media_type.len() > MAX_MEDIA_TYPE_BYTES {
        report.push(
            &type_path,
            too_long(MAX_MEDIA_TYPE_BYTES, attachment.media_type.len()),
        );
    } else if !is_media_type(&attachment.media_type) {
        report.push(&type_path, "must be a media type such as image/png");
    }
    let sha_path = format!("{path}.sha256");
    if !is_sha256_hex(&attachment.sha256) {
        report.push(&sha_path, "must be 64 lowercase hexadecimal digits");
    }
    let size_path = format!("{path}.size");
    if attachment.size < 0 {
        report.push(&size_path, "must be ≥ 0");
    } else if attachment.size as u64 > MAX_ATTACHMENT_BYTES as u64 {
        report.push(
            &size_path,
            format!(
                "must be at most {MAX_ATTACHMENT_BYTES} bytes (got {})",
                attachment.size
            ),
        );
    }
    // Decoding a file far over the limit is work for nothing.
    if attachment.data.len() > MAX_ATTACHMENT_BYTES.div_ceil(3) * 4 {
        report.push(
            format!("{path}.data"),
            format!("must decode to at most {MAX_ATTACHMENT_BYTES} bytes"),
        );
        return 0;
    }
    let Ok(bytes) = attachment.decode() else {
        report.push(format!("{path}.data"), "must be standard base64");
        return 0;
    };
    if i64::try_from(bytes.len()) != Ok(attachment.size) {
        report.push(
            &size_path,
            format!("does not match the data ({} bytes)", bytes.len()),
        );
    }
    if is_sha256_hex(&attachment.sha256) && sha256_hex(&bytes) != attachment.sha256 {
        report.push(&sha_path, "does not match the SHA-256 of the data");
    }
    if let Kind::Image(declared) = attachment.kind() {
        match ImageType::sniff(&bytes) {
            Some(found) if found == declared => {}
            Some(found) => report.push(
                format!("{path}.data"),
                format!(
                    "is {} data, not the declared {}",
                    found.media_type(),
                    declared.media_type()
                ),
            ),
            None => report.push(
                format!("{path}.data"),
                format!("is not {} data", declared.media_type()),
            ),
        }
    }
    bytes.len()
}
