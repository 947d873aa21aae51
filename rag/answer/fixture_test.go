package answer

import (
	"testing"

	"atazan/corpus"
)

// The fixture texts are short invented paraphrases in the shape of the
// real corpus, not the official wording.
func ru2026() *corpus.Text {
	return &corpus.Text{Lang: corpus.RU, Sections: []corpus.Section{{Number: "I", Articles: []corpus.Article{
		{Number: "9", Points: []corpus.Point{
			{Number: "1", Text: "Государственным языком является казахский язык."},
			{Number: "2", Text: "Русский язык официально употребляется наравне с казахским."},
		}},
		{Number: "17", Points: []corpus.Point{
			{Number: "1", Text: "Каждый имеет право на жизнь."},
			{Number: "2", Text: "Никто не может произвольно лишить человека жизни."},
			{Number: "3", Text: "Смертная казнь запрещена."},
		}},
		{Number: "30", Points: []corpus.Point{
			{Number: "1", Text: "Гражданам гарантируется бесплатное среднее образование в государственных учебных заведениях. " +
				"Среднее образование обязательно для каждого. " +
				"Порядок получения образования определяется законом, который принимает Курултай после обсуждения с обществом и учителями. " +
				"Государство поддерживает одарённых детей и помогает семьям, в которых растут дети с особыми потребностями. " +
				"Частные школы работают по тем же стандартам, что и государственные, и проходят аккредитацию."},
		}},
		{Number: "43", Lead: "Президент избирается на семь лет; одно лицо не может быть избрано более одного раза."},
	}}}}
}

func kk2026() *corpus.Text {
	return &corpus.Text{Lang: corpus.KK, Sections: []corpus.Section{{Number: "I", Articles: []corpus.Article{
		{Number: "17", Points: []corpus.Point{
			{Number: "1", Text: "Әркімнің өмір сүруге құқығы бар."},
			{Number: "2", Text: "Ешкім адамды өмірінен озбырлықпен айыра алмайды."},
			{Number: "3", Text: "Өлім жазасына тыйым салынады."},
		}},
	}}}}
}

func ru1995() *corpus.Text {
	return &corpus.Text{Lang: corpus.RU, Sections: []corpus.Section{{Number: "II", Articles: []corpus.Article{
		{Number: "15", Points: []corpus.Point{
			{Number: "1", Text: "Каждый имеет право на жизнь."},
			{Number: "2", Text: "Смертная казнь допускается законом как исключительная мера за особо тяжкие преступления."},
		}},
	}}}}
}

// passage cuts one point (or a whole article when point is "") out of a
// fixture text, the way retrieval hands it over.
func passage(t *testing.T, text *corpus.Text, doc, article, point string, score float64) Passage {
	t.Helper()
	a := text.Article(article)
	if a == nil {
		t.Fatalf("fixture has no article %s", article)
	}
	body := a.Lead
	if point != "" {
		p := a.Point(point)
		if p == nil {
			t.Fatalf("fixture has no point %s.%s", article, point)
		}
		body = p.Text
	}
	heading := "Статья " + article
	if text.Lang == corpus.KK {
		heading = article + "-бап"
	}
	return Passage{
		Ref:     corpus.Ref{Doc: doc, Article: article, Point: point},
		Lang:    text.Lang,
		Heading: heading,
		Text:    body,
		Score:   score,
	}
}
