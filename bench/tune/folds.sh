# folds.sh (sourced): the standard protocol's five validation folds, shared by standard.sh,
# standard_grid.sh and svdpp_grid.sh. hb_folds VAL DATA BUILD carves 10% of each of
# DATA/u1.base..u5.base (bench/peers/make_split.sh, seed K) into VAL/uK/{u1.base,u1.test}
# (kept when already there) and links them as VAL/grid/uK.{base,test}, so bench/tune/tune.py
# reads them as five ML-100K splits. u1.test..u5.test are never read.
hb_folds() {
    local val=$1 data=$2 build=$3 k
    mkdir -p "$val/grid"
    for k in 1 2 3 4 5; do
        [ -s "$val/u$k/u1.test" ] ||
            bash bench/peers/make_split.sh "$data/u$k.base" "$val/u$k" 0.1 "$k" "$build" >/dev/null
        ln -sf "$val/u$k/u1.base" "$val/grid/u$k.base"
        ln -sf "$val/u$k/u1.test" "$val/grid/u$k.test"
    done
}
