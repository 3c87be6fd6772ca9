//! Splitting an mbox file (what Thunderbird keeps and Gmail's Takeout
//! exports) into its messages: a message starts at a "From " line at the start
//! of the file or after a blank line; body lines that mail programs escaped as
//! ">From " (mboxrd: any number of ">") lose one ">". Kept apart from the MIME
//! parsing because mail-parser's own iterator splits on every "From " line.

/// Whether the bytes look like an mbox file rather than one message.
pub(crate) fn is_mbox(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    bytes.starts_with(b"From ")
}

/// The messages of an mbox file, in order, without their "From " lines.
pub(crate) fn split(bytes: &[u8]) -> Vec<Vec<u8>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut messages: Vec<Vec<u8>> = Vec::new();
    let mut current: Option<Vec<u8>> = None;
    let mut previous_blank = true;
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        let content = line.strip_suffix(b"\n").unwrap_or(line);
        let content = content.strip_suffix(b"\r").unwrap_or(content);
        if previous_blank && content.starts_with(b"From ") {
            if let Some(done) = current.take() {
                messages.push(finish(done));
            }
            current = Some(Vec::new());
            previous_blank = false;
            continue;
        }
        previous_blank = content.is_empty();
        let Some(message) = current.as_mut() else {
            // Text before the first "From " line is not a message.
            continue;
        };
        let quotes = content.iter().take_while(|&&b| b == b'>').count();
        if quotes > 0 && content[quotes..].starts_with(b"From ") {
            message.extend_from_slice(&line[1..]);
        } else {
            message.extend_from_slice(line);
        }
    }
    if let Some(done) = current.take() {
        messages.push(finish(done));
    }
    messages
}

/// Drops the blank line that separates a message from the next "From " line.
fn finish(mut message: Vec<u8>) -> Vec<u8> {
    if message.ends_with(b"\r\n\r\n") {
        message.truncate(message.len() - 2);
    } else if message.ends_with(b"\n\n") {
        message.truncate(message.len() - 1);
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_from_lines_after_blank_lines_only() {
        let mbox = b"From a@x Thu Dec 14 09:30:00 2023\nSubject: one\n\nbody\nFrom here on, text\n\nFrom b@y Fri Dec 15 10:00:00 2023\nSubject: two\n\n>From the escaped line\n>>From twice\n>not from\n";
        let messages = split(mbox);
        assert_eq!(messages.len(), 2);
        assert_eq!(
            String::from_utf8_lossy(&messages[0]),
            "Subject: one\n\nbody\nFrom here on, text\n"
        );
        assert_eq!(
            String::from_utf8_lossy(&messages[1]),
            "Subject: two\n\nFrom the escaped line\n>From twice\n>not from\n"
        );
    }

    #[test]
    fn crlf_and_bom_and_preamble() {
        let mbox = b"\xEF\xBB\xBFFrom - Thu Dec 14 09:30:00 2023\r\nSubject: one\r\n\r\nbody\r\n\r\nFrom - Fri\r\nSubject: two\r\n";
        assert!(is_mbox(mbox));
        let messages = split(mbox);
        assert_eq!(messages.len(), 2);
        assert_eq!(messages[0], b"Subject: one\r\n\r\nbody\r\n");
        assert_eq!(messages[1], b"Subject: two\r\n");
        assert!(split(b"junk\nmore junk\n").is_empty());
        assert!(!is_mbox(b"From: someone@example.com\r\n"));
    }

    #[test]
    fn a_truncated_mbox_keeps_what_it_has() {
        let mbox = b"From a Thu\nSubject: one\n\nbody\n\nFrom b Fri\nSubject: tw";
        let messages = split(mbox);
        assert_eq!(messages.len(), 2);
        assert_eq!(messages[1], b"Subject: tw");
    }
}
