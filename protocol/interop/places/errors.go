package places

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/jejak/jejak/protocol"
)

// MaxProblems is how many problems one import reports. A file with more
// stops being read at the limit, and Error.Truncated is set: past a hundred
// problems the file has one mistake made many times, and the first hundred
// show it.
const MaxProblems = 100

// Problem is one thing wrong with an import file: where it is, in the words
// of the file, and what is wrong, in plain words.
type Problem struct {
	// Feature is the GeoJSON feature's position in its collection,
	// counting from 1 as people do (features[Feature-1] in the JSON), or
	// 0 when the problem is not with one feature.
	Feature int `json:"feature,omitempty"`
	// Line is the line of the file, from 1: where the feature starts, or
	// the line of the CSV cell. 0 when there is no one line.
	Line int `json:"line,omitempty"`
	// Column is the CSV column, from 1 (column 3 is column C in a
	// spreadsheet), or 0 when the problem is with a whole line or the
	// file. For a JSON syntax error, the character on the line.
	Column int `json:"column,omitempty"`
	// Field is the property or column as the file names it ("Area",
	// "area_ha"), or a path into the feature ("geometry.coordinates[0][3]"),
	// or "" for the whole feature, line or file.
	Field string `json:"field,omitempty"`
	// Name is the place's name when it is known, so that a person finds
	// the feature among many.
	Name string `json:"name,omitempty"`
	// Msg says what is wrong and, where it can, how to put it right.
	Msg string `json:"message"`
}

// String formats p as one line: where, then what
// (`feature 3 ("Blok C"), line 12, Area: declared 5 ha but ...`,
// `line 7 ("Blok C"), column 4, area_ha: ...`).
func (p Problem) String() string {
	var at []string
	if p.Feature > 0 {
		at = append(at, "feature "+strconv.Itoa(p.Feature))
	}
	if p.Line > 0 {
		at = append(at, "line "+strconv.Itoa(p.Line))
	}
	if p.Name != "" && len(at) > 0 {
		at[0] += " (" + strconv.Quote(p.Name) + ")"
	} else if p.Name != "" {
		at = append(at, strconv.Quote(p.Name))
	}
	if p.Column > 0 {
		at = append(at, "column "+strconv.Itoa(p.Column))
	}
	if p.Field != "" {
		at = append(at, p.Field)
	}
	if len(at) == 0 {
		return p.Msg
	}
	return strings.Join(at, ", ") + ": " + p.Msg
}

// Error is an import file that cannot be imported: it lists every problem
// found, in the order of the file, up to MaxProblems. An import with any
// problem imports nothing.
//
// errors.Is(err, protocol.ErrInvalid) holds for an *Error: the file would
// make records that break the format's rules.
type Error struct {
	Problems  []Problem `json:"problems"`
	Truncated bool      `json:"truncated,omitempty"` // more problems than MaxProblems were found; reading stopped there
}

// Error returns every problem, one a line, after a first line that says
// how many there are.
func (e *Error) Error() string {
	var b strings.Builder
	n := len(e.Problems)
	switch {
	case e.Truncated:
		fmt.Fprintf(&b, "places: more than %d problems (reading stopped at the %dth); nothing imported", n, n)
	case n == 1:
		b.WriteString("places: 1 problem; nothing imported")
	default:
		fmt.Fprintf(&b, "places: %d problems; nothing imported", n)
	}
	for _, p := range e.Problems {
		b.WriteString("\n")
		b.WriteString(p.String())
	}
	return b.String()
}

// Unwrap makes an *Error match protocol.ErrInvalid.
func (e *Error) Unwrap() error { return protocol.ErrInvalid }

// problems collects the problems of one import.
type problems struct {
	list []Problem
	full bool // MaxProblems reached: stop reading
}

// add records p; once MaxProblems are recorded it records no more and sets
// full.
func (ps *problems) add(p Problem) {
	if ps.full {
		return
	}
	if len(ps.list) == MaxProblems {
		ps.full = true
		return
	}
	ps.list = append(ps.list, p)
}

// err returns the problems as an *Error, or nil when there are none.
func (ps *problems) err() error {
	if len(ps.list) == 0 {
		return nil
	}
	return &Error{Problems: ps.list, Truncated: ps.full}
}

// fileProblem returns an *Error of one problem with the file as a whole.
func fileProblem(format string, args ...any) error {
	return &Error{Problems: []Problem{{Msg: fmt.Sprintf(format, args...)}}}
}
