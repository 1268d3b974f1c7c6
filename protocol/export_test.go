package protocol

// SigningBytesOf exposes signingBytesOf to the tests in protocol_test.
var SigningBytesOf = signingBytesOf
