//! Turns on the message tree against local servers speaking the providers' wire formats.
