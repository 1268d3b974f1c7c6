// Package jsonerr says where in a JSON document decoding went wrong, in the
// words a person editing the file needs: the line, the column and the field.
package jsonerr

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Describe describes err, an error from decoding data with encoding/json,
// with its line and column ("line 3, column 14: field qty: cannot use JSON
// string as int64"). Other errors are returned as their text.
func Describe(data []byte, err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		line, col := LineCol(data, se.Offset)
		return fmt.Sprintf("line %d, column %d: %v", line, col, se)
	case errors.As(err, &te):
		line, col := LineCol(data, te.Offset)
		field := te.Field
		if field == "" {
			field = "(top level)"
		}
		return fmt.Sprintf("line %d, column %d: field %s: cannot use JSON %s as %s", line, col, field, te.Value, te.Type)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "unexpected end of file"
	}
	return err.Error()
}

// LineCol returns the 1-based line and column of byte offset off in data.
func LineCol(data []byte, off int64) (int, int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	if off < 0 {
		off = 0
	}
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(off) - bytes.LastIndexByte(before, '\n')
	return line, col
}
