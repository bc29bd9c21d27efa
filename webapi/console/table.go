package console

import (
	"log/slog"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dop251/goja"
)

// maxTableRows bounds the rows console.table renders.
const maxTableRows = 1000

// table implements console.table(tabularData, properties): an object or
// array is drawn as a box table with an "(index)" column, one column per
// property of the row objects (or those listed in properties) and a
// "Values" column for primitive rows. Anything else is logged like
// console.log.
func (st *state) table(call goja.FunctionCall) goja.Value {
	if !st.enabled(slog.LevelInfo) {
		return goja.Undefined()
	}
	data, ok := call.Argument(0).(*goja.Object)
	if !ok {
		st.logger(slog.LevelInfo, call.Arguments)
		return goja.Undefined()
	}
	p := st.printer()
	if et := data.ExportType(); et == typeProxy {
		px, _ := data.Export().(goja.Proxy)
		if data = px.Target(); data == nil {
			st.emit(slog.LevelInfo, "[Proxy (revoked)]")
			return goja.Undefined()
		}
	}
	var filter []string
	if po, ok := call.Argument(1).(*goja.Object); ok && po.ClassName() == "Array" {
		n := p.length(po)
		for i := int64(0); i < n && i < 100; i++ {
			if v, ok := p.get(po, itoa(i)); ok && v != nil {
				filter = append(filter, v.String())
			}
		}
	}

	var rowKeys []string
	if !p.try(func() { rowKeys = data.Keys() }) {
		st.emit(slog.LevelInfo, "[table keys threw]")
		return goja.Undefined()
	}
	truncated := len(rowKeys) > maxTableRows
	if truncated {
		rowKeys = rowKeys[:maxTableRows]
	}
	var cols []string
	colIndex := map[string]int{}
	if filter != nil {
		for _, c := range filter {
			if _, dup := colIndex[c]; !dup {
				colIndex[c] = len(cols)
				cols = append(cols, c)
			}
		}
	}
	type row struct {
		key    string
		cells  map[string]string
		value  string
		hasVal bool
	}
	rows := make([]row, 0, len(rowKeys))
	hasValues := false
	p.seen = append(p.seen, data)
	for _, k := range rowKeys {
		r := row{key: k, cells: map[string]string{}}
		v, ok := p.get(data, k)
		switch {
		case !ok:
			r.value, r.hasVal, hasValues = "[Getter threw]", true, true
		case isRowObject(v):
			o := v.(*goja.Object)
			var keys []string
			if p.try(func() { keys = o.Keys() }) {
				for _, ck := range keys {
					if filter == nil {
						if _, seen := colIndex[ck]; !seen {
							colIndex[ck] = len(cols)
							cols = append(cols, ck)
						}
					} else if _, want := colIndex[ck]; !want {
						continue
					}
					r.cells[ck] = p.cell(o, ck)
				}
			}
		default:
			r.value, r.hasVal, hasValues = p.cellValue(v), true, true
		}
		rows = append(rows, r)
	}
	header := append([]string{"(index)"}, cols...)
	if hasValues {
		header = append(header, "Values")
	}
	grid := make([][]string, 0, len(rows))
	for _, r := range rows {
		line := make([]string, len(header))
		line[0] = r.key
		for i, c := range cols {
			line[i+1] = r.cells[c]
		}
		if hasValues && r.hasVal {
			line[len(line)-1] = r.value
		}
		grid = append(grid, line)
	}
	out := renderTable(header, grid)
	if truncated {
		out += "\n... more rows not shown"
	}
	if len(out) > MaxMessageBytes {
		cut := MaxMessageBytes
		for cut > 0 && !utf8.RuneStart(out[cut]) {
			cut--
		}
		out = out[:cut] + truncatedMark
	}
	st.emit(slog.LevelInfo, out)
	return goja.Undefined()
}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }

func isRowObject(v goja.Value) bool {
	o, ok := v.(*goja.Object)
	if !ok {
		return false
	}
	switch o.ClassName() {
	case "Function", "AsyncFunction", "GeneratorFunction", "AsyncGeneratorFunction":
		return false
	}
	return true
}

// cell renders one table cell (nested values compactly).
func (p *printer) cell(o *goja.Object, k string) string {
	v, ok := p.get(o, k)
	if !ok {
		return "[Getter threw]"
	}
	return p.cellValue(v)
}

func (p *printer) cellValue(v goja.Value) string {
	sub := &printer{vm: p.vm, seen: p.seen, errProto: p.errProto}
	sub.inspect(v, maxDepth)
	s := sub.String()
	if len(s) > 200 {
		cut := 200
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

func renderTable(header []string, rows [][]string) string {
	widths := make([]int, len(header))
	for i, h := range header {
		widths[i] = utf8.RuneCountInString(h)
	}
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	var b strings.Builder
	line := func(left, mid, right string) {
		b.WriteString(left)
		for i, w := range widths {
			if i > 0 {
				b.WriteString(mid)
			}
			b.WriteString(strings.Repeat("─", w+2))
		}
		b.WriteString(right)
	}
	cells := func(r []string) {
		b.WriteString("\n│")
		for i, w := range widths {
			c := r[i]
			b.WriteString(" ")
			b.WriteString(c)
			b.WriteString(strings.Repeat(" ", w-utf8.RuneCountInString(c)+1))
			b.WriteString("│")
		}
	}
	line("┌", "┬", "┐")
	cells(header)
	b.WriteString("\n")
	line("├", "┼", "┤")
	for _, r := range rows {
		cells(r)
	}
	b.WriteString("\n")
	line("└", "┴", "┘")
	return b.String()
}
