import unittest

from helpers import tiny_tokenizer
from vaner.tokenizer import BOS_ID, PAD_ID, SEP_ID, UNK_ID, JsUnigram


def _tj(pieces):
    specials = [["<pad>", -1e4], ["<s>", -1e4], ["</s>", -1e4], ["<sep>", -5.0], ["<unk>", 0.0]]
    return {"model": {"type": "Unigram", "unk_id": 4, "vocab": specials + [list(p) for p in pieces]}}


class JsUnigramTest(unittest.TestCase):
    def test_tie_goes_to_the_first_inserted_left_node_as_in_the_js_lattice(self):
        # "▁444": ▁|4|44 and ▁|44|4 both score -6; the JS lattice keeps the first candidate it saw at the
        # final position, 44 starting at 2 (inserted before 4 at 3), so the answer is ▁ 4 44.
        js = JsUnigram(_tj([["\u2581", -1.0], ["4", -2.0], ["44", -3.0]]))
        self.assertEqual(js.encode("444"), [5, 6, 7])

    def test_best_path_wins_and_unknown_runs_fuse(self):
        js = JsUnigram(_tj([["\u2581", -1.0], ["4", -2.0], ["44", -3.0], ["\u25814", -0.5]]))
        self.assertEqual(js.encode("444"), [8, 7])
        self.assertEqual(js.encode("4xy4"), [8, UNK_ID, 6])  # x and y fuse into one <unk>
        self.assertEqual(js.encode("4 4"), [8, 8])  # spaces become ▁ (encoded whole, as for instructions)

    def test_specials_are_not_matched_from_text_but_sep_is(self):
        tok = tiny_tokenizer()
        self.assertNotIn(BOS_ID, tok.encode("<s>"))
        self.assertNotIn(PAD_ID, tok.encode("<pad>"))
        self.assertIn(SEP_ID, tok.encode("<sep>"))
        self.assertEqual(tok.encode("<sep>"), tok.sp.encode("<sep>"))

    def test_port_agrees_with_sentencepiece_on_ordinary_words(self):
        tok = tiny_tokenizer()
        for w in ["cisplatin", "nephrotoxicity", "TNF-α", "Escherichia", "disease", "2,4-D"]:
            self.assertEqual(tok.encode(w), tok.sp.encode(w), w)


if __name__ == "__main__":
    unittest.main()
