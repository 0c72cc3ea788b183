#!/usr/bin/env python3
"""make_corpus.py: writes the bad-input corpus (small files; no MovieLens data) next to itself.
The expected outcome of each file is in cases.tsv; tests/test_data_corpus.c runs them all."""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
GOOD = "".join(f"{u},{i},{(u * 7 + i) % 5 + 1},{100 + 3 * u + i // 10}\n" for u in (1, 2, 3, 4) for i in (10, 20, 30))


def w(name, data):
    path = os.path.join(HERE, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


w("empty.csv", "")
w("blank_lines.csv", "\n\r\n\n")
w("tab_as_csv.csv", GOOD.replace(",", "\t"))
w("too_few_columns.csv", "1,10,4,100\n1,20,3,101\n2,10,5\n")
w("too_many_columns.csv", "1,10,4,100\n1,20,3,101,7\n")
w("non_numeric_user.csv", "1,10,4,100\nabc,20,3,101\n")
w("non_numeric_item.csv", "1,10,4,100\n1,x20,3,101\n")
w("non_numeric_rating.csv", "1,10,4,100\n1,20,good,101\n")
w("empty_rating.csv", "1,10,4,100\n1,20,,101\n")
w("rating_out_of_range.csv", "1,10,4,100\n1,20,6,101\n")
w("rating_nan.csv", "1,10,4,100\n1,20,nan,101\n")
w("rating_inf.csv", "1,10,4,100\n1,20,inf,101\n")
w("rating_hex.csv", "1,10,4,100\n1,20,0x4,101\n")
w("rating_huge.csv", "1,10,4,100\n1,20,1e39,101\n")
w("negative_user.csv", "1,10,4,100\n-1,20,3,101\n")
w("negative_item.csv", "1,10,4,100\n1,-20,3,101\n")
w("user_overflow.csv", "1,10,4,100\n18446744073709551616,20,3,101\n")
w("user_2pow63.csv", "1,10,4,100\n9223372036854775808,20,3,101\n")
w("plus_sign_user.csv", "1,10,4,100\n+1,20,3,101\n")
w("timestamp_fraction.csv", "1,10,4,100\n1,20,3,101.5\n")
w("padded_fields.csv", "1,10,4,100\n1, 20, 3, 101\n")
w("decimal_comma.csv", "1,10,4,100\n1,20,3,5,101\n")
w("header_undeclared.csv", "userId,movieId,rating,timestamp\n" + GOOD)
w("header_missing.csv", GOOD)
w("header_wrong_fields.csv", "userId;movieId;rating;timestamp\n" + GOOD)
w("header_only.csv", "userId,movieId,rating,timestamp\n")
w("truncated_last_line.csv", GOOD + "4,1")
w("duplicate_pair.csv", "1,10,4,100\n1,20,3,101\n2,10,5,102\n1,20,5,103\n2,30,2,104\n")
w("duplicate_ungrouped.csv", "1,10,4,100\n2,10,5,101\n1,20,3,102\n2,30,2,103\n1,10,1,104\n")
w("duplicate_last_header.csv", "userId,movieId,rating,timestamp\n" + GOOD + "2,20,1,999\n")
w("duplicate_after_blanks.csv", "\n\r\n" + GOOD + "2,20,1,999\n")
w("binary_garbage.csv", bytes([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0,
                               0x3e, 0, 1, 0, 0, 0, 0x10, 0x0a, 0xff, 0xfe, 0x00, 0x31, 0x2c]))
w("nul_in_line.csv", b"1,10,4,100\n1,2\x000,3,101\n")
w("utf16_bom.csv", "\ufeff1,10,4,100\n".encode("utf-16-le"))
w("cr_only_endings.csv", GOOD.replace("\n", "\r"))
w("dat_single_colon.dat", "1::10::4::100\n1:20:3:101\n")
w("spaces_as_tsv.tsv", "1\t10\t4\t100\n1 20 3 101\n")
w("control_char_id.csv", "u1,i10,4,100\nu\x01,i20,3,101\n")
w("empty_string_id.csv", "u1,i10,4,100\n,i20,3,101\n")
# accepted inputs: each has a precise expected result in cases.tsv
w("crlf.csv", GOOD.replace("\n", "\r\n"))
w("bom.csv", "\ufeff" + GOOD)
w("no_final_newline.csv", GOOD.rstrip("\n"))
w("duplicate_first.csv", GOOD + "2,20,1,999\n")
w("duplicate_last.csv", GOOD + "2,20,1,999\n")
w("string_ids.csv", "".join(f"{u},{i},{r}\n" for u in ("alice", "bob", "carol") for i, r in
                            (("The Matrix", 4.5), ("Heat", 3), ("Alien", 2))))
w("columns_reordered.tsv", "".join(f"{i}\t{u}\t{(u + i) % 5 + 1}\n" for u in (1, 2, 3) for i in (10, 20, 30)))
w("half_stars.csv", "userId,movieId,rating,timestamp\n" + GOOD.replace(",4,", ",4.5,").replace(",1,", ",0.5,"))
w("big_ids.csv", "".join(f"{u},{i},{r},0\n" for u, r in ((9223372036854775807, 4), (5000000000, 3), (0, 5))
                         for i in (10, 20, 30)))
w("blank_line_middle.csv", GOOD.replace("\n", "\n\n", 3))
# ML-100K-style folders: a 0-byte test split, and test users/items absent from train
w("zero_split/u1.base", "1\t10\t4\t100\n2\t20\t3\t101\n")
w("zero_split/u1.test", "")
w("cold_split/u1.base", "1\t10\t4\t100\n1\t20\t3\t101\n2\t10\t5\t102\n2\t20\t2\t103\n")
w("cold_split/u1.test", "1\t20\t4\t200\n9\t10\t3\t201\n2\t99\t5\t202\n1\t10\t1\t203\n")
w("not_ratings_dir/README.txt", "a folder without ratings\n")
