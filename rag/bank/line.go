package bank

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

func parseLine(line string) (Item, error) {
	var it Item
	dec := json.NewDecoder(strings.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&it); err != nil {
		return it, fmt.Errorf("not a bank line: %w", err)
	}
	it.Q = strings.TrimSpace(it.Q)
	switch {
	case it.Q == "":
		return it, errors.New(`no question ("q")`)
	case !slices.Contains(langs, it.Lang):
		return it, fmt.Errorf("lang %q: want one of %s", it.Lang, strings.Join(langs, ", "))
	case len(it.Gold) == 0 && it.Topic == "":
		return it, errors.New(`an off-topic line needs a "topic"`)
	}
	for _, g := range it.Gold {
		if g.Doc == "" || g.Article == "" {
			return it, errors.New("gold needs doc and article")
		}
	}
	return it, nil
}
