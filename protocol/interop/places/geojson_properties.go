package places

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// draft reads a feature's properties: name, kind, country and area, by
// the names placeRoles lists.
func (g *geoReader) draft(props map[string]any, id any, loc *locator) draft {
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	chosen, twins := match(keys, placeRoles, g.opt.Columns)
	// value returns the value of role and the key that gave it; of keys
	// that mean the same ("Name", "name"), the one with a value.
	value := func(role string) (any, bool) {
		i, ok := chosen[role]
		if !ok {
			return nil, false
		}
		cands := twins[role]
		if cands == nil {
			cands = []int{i}
		}
		for _, c := range cands {
			if v := props[keys[c]]; !empty(v) {
				loc.fields[role] = at{field: keys[c]}
				return v, true
			}
		}
		loc.fields[role] = at{field: keys[i]}
		return nil, false
	}
	var d draft
	bad := func(role, msg string) {
		g.ps.add(loc.problem(role, msg))
		d.failed = true
	}
	text := func(role string) (string, bool) {
		v, ok := value(role)
		if !ok {
			return "", true
		}
		switch v := v.(type) {
		case string:
			return cleanText(v), true
		case json.Number:
			return string(v), true
		}
		bad(role, "is "+describe(v)+", not text")
		return "", false
	}

	name, ok := text(colName)
	if ok && name == "" {
		switch id := id.(type) {
		case string:
			name = cleanText(id)
		case json.Number:
			name = string(id)
		}
	}
	d.name = name
	loc.name = name
	if !ok {
		d.name = alone.Name // reported; the rest is still checked
	}
	d.kind = g.opt.kind()
	if k, ok := text(colKind); ok && k != "" {
		d.kind = strings.ToLower(k)
	}
	d.country = g.opt.Country
	if c, ok := text(colCountry); ok && c != "" {
		d.country = countryCode(c)
	}
	d.evidence = readEvidence(func(role string) string { v, _ := text(role); return v }, bad)
	for _, u := range []areaUnit{hectare, sqMetre, acre} {
		v, ok := value(u.role)
		if !ok {
			continue
		}
		m2, msg := areaOf(v, u)
		if msg != "" {
			bad(u.role, msg)
			break
		}
		d.area, d.areaSet, d.areaUnit = m2, true, u
		break
	}
	return d
}

// decodeAny decodes a JSON value, numbers as json.Number; nil if it
// cannot.
func decodeAny(raw []byte) any {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return nil
	}
	return v
}

// empty reports whether a property value says nothing: null, or blank text.
func empty(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(v) == ""
	}
	return false
}

// crsProblem checks the "crs" member that GeoJSON before RFC 7946 had and
// QGIS and GDAL still write: coordinates in anything but WGS 84 longitude
// and latitude are refused, with what to do.
func crsProblem(raw json.RawMessage) string {
	var crs struct {
		Type       string `json:"type"`
		Properties struct {
			Name string `json:"name"`
			Code any    `json:"code"`
		} `json:"properties"`
	}
	if json.Unmarshal(raw, &crs) != nil {
		return ""
	}
	var name string
	switch strings.ToLower(crs.Type) {
	case "name":
		name = crs.Properties.Name
	case "epsg":
		name = fmt.Sprintf("EPSG:%v", crs.Properties.Code)
	default:
		return "" // a link, or nothing: nothing to go by
	}
	u := strings.ToUpper(strings.TrimSpace(name))
	if u == "" || strings.HasSuffix(u, "CRS84") || strings.HasSuffix(u, ":4326") || u == "WGS84" {
		return ""
	}
	return fmt.Sprintf("the file's coordinates are in %s, not WGS 84 longitude and latitude: export it again in EPSG:4326 (WGS 84), as RFC 7946 and the EU Information System require", name)
}
