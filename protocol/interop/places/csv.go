package places

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// csvFile reads one CSV file: its header, then its lines, as a spreadsheet
// or a field app writes them.
type csvFile struct {
	r      *csv.Reader
	sep    rune
	header []string       // the columns as the file names them
	cols   map[string]int // role → column index
	skip   int64          // bytes before the csv.Reader's first (a BOM)
	prog   *progress
	ps     *problems

	cells    []string
	line     int   // line of the current record
	notUTF8  bool  // reported once
	tooLarge bool  // the file passed MaxFileSize
	ioErr    error // the reader failed
}

// errTooLarge is what limitReader returns past MaxFileSize.
var errTooLarge = errors.New("file too large")

// limitReader reads at most MaxFileSize bytes and then fails.
type limitReader struct {
	r io.Reader
	n int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	k, err := l.r.Read(p)
	l.n += int64(k)
	if l.n > MaxFileSize {
		return 0, errTooLarge
	}
	return k, err
}

// openCSV reads the header of a CSV file and assigns its columns to roles.
// It returns an *Error for a file that cannot be read as CSV, or whose
// header lacks what the caller needs (checked by the caller).
func openCSV(r io.Reader, opt Options, roles []role, ps *problems) (*csvFile, error) {
	size := sizeOf(r, opt)
	if size > MaxFileSize {
		return nil, tooLarge(size)
	}
	lr := &limitReader{r: r}
	br := bufio.NewReaderSize(lr, 64<<10)
	head, err := br.Peek(64 << 10)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, readError(err)
	}
	f := &csvFile{ps: ps}
	switch {
	case len(bytes.TrimSpace(head)) == 0:
		return nil, fileProblem("the file is empty")
	case bytes.HasPrefix(head, []byte("\xff\xfe")) || bytes.HasPrefix(head, []byte("\xfe\xff")):
		return nil, fileProblem("the file is UTF-16 text (Excel's \"Unicode Text\"): save it as \"CSV UTF-8\"")
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return nil, fileProblem("this is a spreadsheet workbook (.xlsx or .ods), not CSV: save it as \"CSV UTF-8\"")
	case bytes.IndexByte(head, 0) >= 0:
		return nil, fileProblem("this is not a text file: save it as \"CSV UTF-8\"")
	}
	if bytes.HasPrefix(head, utf8BOM) {
		_, _ = br.Discard(len(utf8BOM))
		f.skip = int64(len(utf8BOM))
		head = head[len(utf8BOM):]
	}
	f.sep = separator(head)
	f.r = csv.NewReader(br)
	f.r.Comma = f.sep
	f.r.FieldsPerRecord = -1
	f.prog = newProgress(opt.Progress, size)

	rec, err := f.r.Read()
	if errors.Is(err, io.EOF) {
		return nil, fileProblem("the file is empty")
	}
	if err != nil {
		f.stop(err)
		return nil, f.result()
	}
	if len(rec) > MaxColumns {
		return nil, &Error{Problems: []Problem{{Line: 1, Msg: fmt.Sprintf("the header has %d columns, at most %d", len(rec), MaxColumns)}}}
	}
	hl, _ := f.r.FieldPos(0)
	for i, name := range rec {
		if !utf8.ValidString(name) {
			return nil, &Error{Problems: []Problem{{Line: hl, Column: i + 1, Msg: "the file is not UTF-8 text: save it as \"CSV UTF-8\""}}}
		}
		f.header = append(f.header, cleanText(name))
	}
	cols, twins := match(f.header, roles, opt.Columns)
	f.cols = cols
	for _, ro := range roles {
		if t := twins[ro.name]; len(t) > 1 {
			var names []string
			for _, i := range t {
				names = append(names, fmt.Sprintf("%d (%s)", i+1, f.header[i]))
			}
			ps.add(Problem{Line: hl, Column: t[1] + 1, Field: f.header[t[1]],
				Msg: fmt.Sprintf("columns %s are all read as %s: rename or remove all but one", strings.Join(names, ", "), ro.name)})
		}
	}
	return f, nil
}

// separator guesses the separator from the first line that is not blank:
// a comma, or the semicolon that spreadsheets write where the decimal
// separator is a comma (Indonesia, much of Europe), or a tab; whichever the
// line has most of outside quotes.
func separator(head []byte) rune {
	for _, line := range bytes.Split(head, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		count := map[byte]int{}
		quoted := false
		for _, c := range line {
			switch {
			case c == '"':
				quoted = !quoted
			case !quoted && (c == ',' || c == ';' || c == '\t'):
				count[c]++
			}
		}
		best := byte(',')
		for _, c := range []byte{';', '\t'} {
			if count[c] > count[best] {
				best = c
			}
		}
		return rune(best)
	}
	return ','
}

// next reads the next line that is not blank (spreadsheets write blank
// lines as separators only: ";;;;"), and reports false at the end of the
// file or when reading must stop.
func (f *csvFile) next() bool {
	for {
		f.prog.at(f.r.InputOffset() + f.skip)
		if f.ps.full {
			return false
		}
		rec, err := f.r.Read()
		if errors.Is(err, io.EOF) {
			return false
		}
		if err != nil {
			f.stop(err)
			return false
		}
		f.line, _ = f.r.FieldPos(0)
		blank := true
		for _, c := range rec {
			if strings.TrimSpace(c) != "" {
				blank = false
				break
			}
		}
		if blank {
			continue
		}
		if f.misaligned(rec) {
			// Its cells are not under their columns: checking them
			// would only confuse.
			f.ps.add(Problem{Line: f.line, Msg: fmt.Sprintf("the line has %d cells but the header names %d columns: is there a value with %s in it that is not in quotes?", len(rec), len(f.header), sepName(f.sep))})
			continue
		}
		f.cells = rec
		return true
	}
}

// misaligned reports whether rec has values beyond the header's columns
// (empty cells there are what spreadsheets write, and are ignored).
func (f *csvFile) misaligned(rec []string) bool {
	if len(rec) <= len(f.header) {
		return false
	}
	for _, c := range rec[len(f.header):] {
		if strings.TrimSpace(c) != "" {
			return true
		}
	}
	return false
}

// done reports the end of the file to Progress.
func (f *csvFile) done() { f.prog.done(f.r.InputOffset() + f.skip) }

func sepName(sep rune) string {
	switch sep {
	case ';':
		return "a semicolon"
	case '\t':
		return "a tab"
	}
	return "a comma"
}

// has reports whether the file has a column for role.
func (f *csvFile) has(role string) bool { _, ok := f.cols[role]; return ok }

// cell returns the current line's cell of role, trimmed ("" when the
// file has no such column or the line is short).
func (f *csvFile) cell(role string) string {
	i, ok := f.cols[role]
	if !ok || i >= len(f.cells) {
		return ""
	}
	c := f.cells[i]
	if !utf8.ValidString(c) {
		if !f.notUTF8 {
			f.notUTF8 = true
			line, _ := f.r.FieldPos(i)
			f.ps.add(Problem{Line: line, Column: i + 1, Field: f.header[i], Msg: "the file is not UTF-8 text: save it as \"CSV UTF-8\""})
		}
		return ""
	}
	return cleanText(c)
}

// locator returns a locator for the current line, with every column the
// file has for roles.
func (f *csvFile) locator() *locator {
	loc := &locator{csv: true, line: f.line, fields: map[string]at{}, geoInCell: true}
	for role, i := range f.cols {
		line := f.line
		if i < len(f.cells) {
			line, _ = f.r.FieldPos(i)
		}
		loc.fields[role] = at{field: f.header[i], column: i + 1, line: line}
	}
	return loc
}

// stop records why reading stopped early.
func (f *csvFile) stop(err error) {
	var pe *csv.ParseError
	switch {
	case errors.Is(err, errTooLarge):
		f.tooLarge = true
	case errors.As(err, &pe):
		msg := pe.Err.Error()
		switch {
		case errors.Is(pe.Err, csv.ErrBareQuote):
			msg = "a quote (\") inside a value that is not in quotes: put the whole value in quotes and double the quote (\"\")"
		case errors.Is(pe.Err, csv.ErrQuote):
			msg = "a quoted value is not closed, or has text after its closing quote"
		}
		// The csv package counts the column in bytes, as a text
		// editor counts characters in ASCII.
		f.ps.add(Problem{Line: pe.Line, Msg: "character " + strconv.Itoa(pe.Column) + ": " + msg + "; the file was not read past this line"})
	default:
		f.ioErr = err
	}
}

// result returns why the file cannot be imported, or nil: a file too
// large or a failed read first, as they say nothing of the lines.
func (f *csvFile) result() error {
	switch {
	case f.tooLarge:
		return tooLarge(-1)
	case f.ioErr != nil:
		return readError(f.ioErr)
	}
	// Within a line, problems in the order of its columns.
	sort.SliceStable(f.ps.list, func(i, j int) bool {
		a, b := f.ps.list[i], f.ps.list[j]
		return a.Line < b.Line || a.Line == b.Line && a.Column < b.Column
	})
	return f.ps.err()
}
