package bank

import (
	"bufio"
	"encoding/json"
	"io"

	"atazan/corpus"
)

type corpusRef = corpus.Ref

// readEvalQuestions reads the questions of an evaluation set.
func readEvalQuestions(r io.Reader) ([]string, error) {
	var out []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var it struct {
			Q string `json:"q"`
		}
		if len(sc.Bytes()) == 0 {
			continue
		}
		if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
			return nil, err
		}
		out = append(out, it.Q)
	}
	return out, sc.Err()
}
