package config

import (
	"fmt"
	"reflect"
	"strings"
	"time"
)

// masked replaces a secret that is set; an unset secret stays empty so that
// an operator can tell the two apart.
const masked = "********"

// Masked returns a copy of c with every secret field (tagged secret:"true")
// replaced by a fixed mask, safe to print or log.
func (c Config) Masked() Config {
	eachField(reflect.ValueOf(&c).Elem(), func(f reflect.StructField, fv reflect.Value) {
		if f.Tag.Get("secret") == "true" && fv.Kind() == reflect.String && fv.String() != "" {
			fv.SetString(masked)
		}
	})
	return c
}

// Setting is one configuration value under the name an operator sets it by.
type Setting struct {
	Env   string // the environment variable, e.g. ATAZAN_HTTP_ADDR
	Value string // as it would be written in the environment; secrets masked
}

// Settings lists every variable with its effective value, in the order of
// the Config struct, secrets masked.
func (c Config) Settings() []Setting {
	var out []Setting
	m := c.Masked()
	eachField(reflect.ValueOf(&m).Elem(), func(f reflect.StructField, fv reflect.Value) {
		if name := f.Tag.Get("env"); name != "" {
			out = append(out, Setting{Env: name, Value: format(fv)})
		}
	})
	return out
}

// format writes a field value the way setField reads it back.
func format(fv reflect.Value) string {
	switch {
	case fv.Type() == reflect.TypeOf(time.Duration(0)):
		return formatDuration(time.Duration(fv.Int()))
	case fv.Kind() == reflect.Slice:
		items := make([]string, fv.Len())
		for i := range items {
			items[i] = fv.Index(i).String()
		}
		return strings.Join(items, ",")
	default:
		return fmt.Sprint(fv.Interface())
	}
}

// formatDuration drops the zero minutes and seconds of Duration.String:
// 24h rather than 24h0m0s.
func formatDuration(d time.Duration) string {
	if d == 0 {
		return "0"
	}
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
