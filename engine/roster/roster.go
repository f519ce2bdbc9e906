// Package roster reads the staff list of a bulk import: a CSV file (UTF-8, with or
// without a byte order mark, comma or semicolon separated) or an XLSX workbook's first
// sheet, whose first row names the columns.
package roster

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	"github.com/vanthu/vanthu/engine"
)

// MaxBytes bounds the file a caller hands to Parse.
const MaxBytes = 5 << 20

// Error is a file that cannot be read as a staff list; Code names why for the UI.
type Error struct {
	Code   string // too_large, too_many_rows, no_rows, missing_column, not_utf8, unreadable
	Detail string // the missing column, the line, the reader's message
}

func (e *Error) Error() string { return "roster: " + e.Code + ": " + e.Detail }

// Unwrap lets errors.Is(err, engine.ErrInvalid) match.
func (e *Error) Unwrap() error { return engine.ErrInvalid }

// columns maps the header names a file may use, lower-cased, to the fields.
var columns = map[string]string{
	"username": "username", "tên đăng nhập": "username", "ten dang nhap": "username",
	"full_name": "full_name", "full name": "full_name", "họ và tên": "full_name", "họ tên": "full_name", "ho va ten": "full_name",
	"email": "email", "e-mail": "email", "thư điện tử": "email",
	"agency_code": "agency_code", "agency": "agency_code", "mã cơ quan": "agency_code", "mã định danh": "agency_code",
	"ma co quan": "agency_code",
	"unit":       "unit", "đơn vị": "unit", "phòng ban": "unit", "don vi": "unit",
	"role": "role", "vai trò": "role", "vai tro": "role",
	"title": "title", "chức vụ": "title", "chuc vu": "title",
}

var required = []string{"username", "full_name", "agency_code", "role"}

// Parse reads a staff list, at most engine.MaxImportRows rows after the header; rows
// left entirely empty are skipped. Values are trimmed and put in Unicode NFC (files
// written on a Mac decompose Vietnamese letters); usernames are lower-cased.
func Parse(data []byte) ([]engine.ImportRow, error) {
	if len(data) > MaxBytes {
		return nil, &Error{Code: "too_large", Detail: fmt.Sprintf("%d bytes", len(data))}
	}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return parseXLSX(data)
	}
	return parseCSV(data)
}

// table turns records, header first, into rows.
type table struct {
	index map[string]int
	rows  []engine.ImportRow
}

func (t *table) header(record []string) error {
	t.index = map[string]int{}
	for i, name := range record {
		name = strings.ToLower(strings.Join(strings.Fields(clean(name)), " "))
		if field, ok := columns[name]; ok {
			if _, dup := t.index[field]; !dup {
				t.index[field] = i
			}
		}
	}
	for _, f := range required {
		if _, ok := t.index[f]; !ok {
			return &Error{Code: "missing_column", Detail: f}
		}
	}
	return nil
}

func (t *table) add(line int, record []string) error {
	get := func(field string) string {
		if i, ok := t.index[field]; ok && i < len(record) {
			return clean(record[i])
		}
		return ""
	}
	r := engine.ImportRow{Line: line, Username: strings.ToLower(get("username")), FullName: get("full_name"),
		Email: get("email"), AgencyCode: strings.ToUpper(get("agency_code")), Unit: get("unit"), Role: get("role"),
		Title: get("title")}
	if r == (engine.ImportRow{Line: line}) {
		return nil
	}
	if len(t.rows) == engine.MaxImportRows {
		return &Error{Code: "too_many_rows", Detail: fmt.Sprintf("%d", engine.MaxImportRows)}
	}
	t.rows = append(t.rows, r)
	return nil
}

func (t *table) result() ([]engine.ImportRow, error) {
	if len(t.rows) == 0 {
		return nil, &Error{Code: "no_rows"}
	}
	return t.rows, nil
}

func clean(s string) string { return strings.TrimSpace(norm.NFC.String(s)) }

func parseCSV(data []byte) ([]engine.ImportRow, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, &Error{Code: "not_utf8", Detail: "save the file as CSV UTF-8"}
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	first, _, _ := bytes.Cut(data, []byte("\n"))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		r.Comma = ';' // spreadsheets in locales with a decimal comma
	}
	var t table
	for n := 0; ; n++ {
		record, err := r.Read()
		if errors.Is(err, io.EOF) {
			if n == 0 {
				return nil, &Error{Code: "no_rows"}
			}
			return t.result()
		}
		if err != nil {
			return nil, &Error{Code: "unreadable", Detail: err.Error()}
		}
		line, _ := r.FieldPos(0)
		if n == 0 {
			err = t.header(record)
		} else {
			err = t.add(line, record)
		}
		if err != nil {
			return nil, err
		}
	}
}

func parseXLSX(data []byte) ([]engine.ImportRow, error) {
	// A 5 MB workbook unzips to far less than this; a zip bomb is refused.
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: 64 << 20, UnzipXMLSizeLimit: 32 << 20})
	if err != nil {
		return nil, &Error{Code: "unreadable", Detail: err.Error()}
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, &Error{Code: "no_rows"}
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, &Error{Code: "unreadable", Detail: err.Error()}
	}
	defer rows.Close()
	var t table
	for n := 0; rows.Next(); n++ {
		record, err := rows.Columns()
		if err != nil {
			return nil, &Error{Code: "unreadable", Detail: err.Error()}
		}
		if n == 0 {
			err = t.header(record)
		} else {
			err = t.add(n+1, record)
		}
		if err != nil {
			return nil, err
		}
	}
	if err := rows.Error(); err != nil {
		return nil, &Error{Code: "unreadable", Detail: err.Error()}
	}
	if t.index == nil {
		return nil, &Error{Code: "no_rows"}
	}
	return t.result()
}
