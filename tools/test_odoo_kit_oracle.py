"""Tests for tools/odoo_kit_oracle.py (standard library unittest).

Run: python3 -m unittest discover -s tools -p 'test_*.py'

The scenarios S1-S5 restate Odoo's own test assertions; each test names the Odoo test it comes from
(e.g. mrp's test_bom.py::test_13_bom_kit_qty).
The CLI test at the end starts a throwaway PostgreSQL cluster with scripts/pg-test.sh and is skipped when the
server binaries are missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import odoo_kit_oracle as o  # noqa: E402

VERSIONS = (16, 17, 18)
UNIT = o.Uom(1, 1.0, 0.01, 1)
DOZEN = o.Uom(2, 1 / 12, 0.01, 1)
UNIT_WHOLE = o.Uom(3, 1.0, 1.0, 3)  # a unit category with rounding 1


def prod(pid, storable=True, uom=1, tmpl=None, **kw):
    """A variant valid for every version: storable = type 'product' (16/17) and is_storable (18)."""
    return o.Product(
        id=pid, tmpl_id=tmpl if tmpl is not None else pid, uom_id=uom,
        type="product" if storable else "consu", is_storable=storable, **kw,
    )


def phantom(bid, tmpl, qty=1.0, product=None, uom=1, seq=None, **kw):
    return o.Bom(id=bid, type="phantom", product_tmpl_id=tmpl, product_id=product, product_qty=qty,
                 product_uom_id=uom, sequence=seq, **kw)


_line_ids = iter(range(1000, 100000))


def line(bom, product, qty, uom=1, ptavs=(), seq=1):
    return o.BomLine(next(_line_ids), bom, product, qty, uom, seq, frozenset(ptavs))


def figs(**by_id):
    """figs(p2=4) -> {2: StockFigures(4, 4)}; a tuple gives (on_hand, reserved)."""
    out = {}
    for key, value in by_id.items():
        pid = int(key[1:])
        on_hand, reserved = value if isinstance(value, tuple) else (value, 0.0)
        out[pid] = o.StockFigures(on_hand=float(on_hand), free=float(on_hand) - float(reserved))
    return out


def kit(cat, version, pid, figures, profile="latest"):
    return o.kit_quantities(cat, o.rules_for(version, profile), pid, figures)


class FloatUtilsTest(unittest.TestCase):
    def test_half_up_tie_breaking(self):
        for fr in (o.float_round_v16, o.float_round_v18):
            self.assertEqual(fr(2.675, precision_digits=2), 2.68)
            self.assertEqual(fr(-2.675, precision_digits=2), -2.68)
            self.assertEqual(fr(1.3, precision_rounding=0.5), 1.5)
            self.assertEqual(fr(0.0, precision_rounding=0.01), 0.0)

    def test_up_and_down_are_away_from_and_towards_zero(self):
        for fr in (o.float_round_v16, o.float_round_v18):
            self.assertEqual(fr(1.5, precision_rounding=1, rounding_method="DOWN"), 1.0)
            self.assertEqual(fr(-1.5, precision_rounding=1, rounding_method="DOWN"), -1.0)
            self.assertEqual(fr(1.01, precision_rounding=1, rounding_method="UP"), 2.0)
            self.assertEqual(fr(-1.01, precision_rounding=1, rounding_method="UP"), -2.0)
            # 0.1 + 0.2 = 0.30000000000000004 must not round UP to 0.31
            self.assertEqual(fr(0.1 + 0.2, precision_rounding=0.01, rounding_method="UP"), 0.3)

    def test_versions_differ_on_small_rounding_factors(self):
        # odoo/odoo#182265: from saas-17.4 float_round multiplies by the inverted factor
        self.assertEqual(o.float_round_v16(0.7000000000000001, precision_rounding=0.1), 0.7000000000000001)
        self.assertEqual(o.float_round_v18(0.7000000000000001, precision_rounding=0.1), 0.7)

    def test_float_invert_table_and_fallback(self):
        self.assertEqual(o.float_invert(0.01), 100.0)
        self.assertEqual(o.float_invert(0.25), 4.0)

    def test_is_zero_and_compare(self):
        for utils in (o.FLOAT_UTILS_V16, o.FLOAT_UTILS_V18):
            self.assertTrue(utils.is_zero(0.004, precision_rounding=0.01))
            self.assertFalse(utils.is_zero(0.005, precision_rounding=0.01))
            self.assertEqual(utils.compare(1.432, 1.431, precision_digits=2), 0)
            self.assertEqual(utils.compare(0.006, 0.002, precision_digits=2), 1)
            self.assertEqual(utils.compare(0.002, 0.006, precision_digits=2), -1)

    def test_float_utils_per_version(self):
        self.assertIs(o.rules_for(16).floats, o.FLOAT_UTILS_V16)
        self.assertIs(o.rules_for(17).floats, o.FLOAT_UTILS_V16)
        self.assertIs(o.rules_for(18).floats, o.FLOAT_UTILS_V18)


class OdooScenarioTest(unittest.TestCase):
    def test_s1_bom_quantity_multiplies_the_batches(self):
        # mrp test_bom.py::test_13_bom_kit_qty
        cat = o.Catalog([UNIT], [prod(1), prod(2), prod(3)],
                        [phantom(1, tmpl=1, qty=4, product=1)], [line(1, 2, 2), line(1, 3, 2)])
        for v in VERSIONS:
            r = kit(cat, v, 1, figs(p2=4, p3=8))
            self.assertEqual((r.qty_available, r.free_qty, r.invalid), (8, 8, None), v)

    def test_s2_component_stocked_in_dozens(self):
        # test_bom.py::test_14_bom_kit_qty_multi_uom: 1 Unit of a component whose UoM is Dozens
        cat = o.Catalog([UNIT, DOZEN], [prod(1), prod(2, uom=2)], [phantom(1, tmpl=1)], [line(1, 2, 1, uom=1)])
        for v in VERSIONS:
            self.assertEqual(kit(cat, v, 1, figs(p2=1)).qty_available, 12, v)

    def test_s3_negative_on_hand(self):
        # test_bom.py::test_13_negative_on_hand_qty: precision 5 digits, Units rounding 0.0001
        unit = o.Uom(1, 1.0, 0.0001, 1)
        cat = o.Catalog([unit], [prod(1), prod(3)], [phantom(1, tmpl=1)], [line(1, 3, 1)])
        for v in VERSIONS:
            r = kit(cat, v, 1, {3: o.StockFigures(-384.00000000000006, -384.00000000000006)})
            self.assertEqual((r.qty_available, r.free_qty), (-384, -384), v)
            self.assertEqual(o.decimal_string(r.qty_available), "-384")

    def s4_catalog(self):
        # sale_mrp test_05_mrp_sale_kit_availability: A1 B2 C3 D4 E5 F6 G7; kit_1=8, kit_2=9, kit_3=10, parent=11
        products = [prod(i) for i in range(1, 12)]
        boms = [phantom(1, tmpl=8), phantom(2, tmpl=9), phantom(3, tmpl=10), phantom(4, tmpl=11)]
        lines = [
            line(1, 1, 2), line(1, 2, 1), line(1, 3, 3),
            line(2, 4, 1), line(2, 8, 2),
            line(3, 6, 1), line(3, 7, 2),
            line(4, 5, 1), line(4, 9, 2), line(4, 10, 2),
        ]
        return o.Catalog([UNIT], products, boms, lines)

    def test_s4_nested_kits_per_warehouse(self):
        cat = self.s4_catalog()
        wh1 = figs(p1=8, p2=4, p3=12, p4=2, p5=1, p6=2, p7=4)
        wh2 = figs(p1=7, p2=3, p3=12, p4=1, p5=1, p6=1, p7=4)
        both = {k: o.StockFigures(wh1[k].on_hand + wh2[k].on_hand, wh1[k].free + wh2[k].free) for k in wh1}
        wh2_b = figs(p1=24, p2=15, p3=37, p4=6, p5=3, p6=6, p7=12)
        wh2_c = figs(p1=56, p2=31, p3=85, p4=14, p5=7, p6=14, p7=28)
        for v in VERSIONS:
            self.assertEqual(kit(cat, v, 11, wh2).qty_available, 0, v)
            self.assertEqual(kit(cat, v, 11, wh1).qty_available, 1, v)
            self.assertEqual(kit(cat, v, 11, both).qty_available, 1, v)
            self.assertEqual(kit(cat, v, 11, wh2_b).qty_available, 3, v)
            self.assertEqual(kit(cat, v, 11, wh2_c).qty_available, 7, v)

    def test_s5_mixed_units_in_nested_kits(self):
        # sale_mrp test_07_kit_availability_mixed_uom
        uoms = [o.Uom(10, 1.0, 0.01, 10), o.Uom(11, 1 / 12, 0.001, 10), o.Uom(12, 1.0, 0.000001, 11), o.Uom(13, 1000.0, 0.001, 11)]
        # comp_unit 1, comp_dozen 2, comp_kg 3, comp_gm 4, kit_uom_1 5, kit_uom_in_kit 6
        products = [prod(1, uom=10), prod(2, uom=11), prod(3, uom=12), prod(4, uom=13), prod(5, uom=10), prod(6, uom=10)]
        boms = [phantom(1, tmpl=5, uom=10), phantom(2, tmpl=6, uom=10)]
        lines = [line(1, 1, 2, uom=11), line(1, 2, 1, uom=11), line(1, 3, 5, uom=13),
                 line(2, 4, 3, uom=12), line(2, 5, 2, uom=11)]
        cat = o.Catalog(uoms, products, boms, lines)
        step1 = [Decimal("576"), Decimal("24"), Decimal("0.12"), Decimal("3000")]
        add = [Decimal("1152"), Decimal("48"), Decimal("0.24"), Decimal("6000")]
        for v in VERSIONS:
            for expected, n in ((1, 0), (3, 1), (5, 2)):
                stock = {i + 1: o.StockFigures(float(s + n * a), float(s + n * a)) for i, (s, a) in enumerate(zip(step1, add))}
                self.assertEqual(kit(cat, v, 6, stock).qty_available, expected, (v, expected))


class KitRulesTest(unittest.TestCase):
    def test_duplicate_component_lines_grouped_vs_16_early(self):
        cat = o.Catalog([UNIT], [prod(1), prod(2)], [phantom(1, tmpl=1)], [line(1, 2, 1), line(1, 2, 1)])
        for v in VERSIONS:
            self.assertEqual(kit(cat, v, 1, figs(p2=1)).qty_available, 0, v)
            self.assertEqual(kit(cat, v, 1, figs(p2=2)).qty_available, 1, v)
        self.assertEqual(kit(cat, 16, 1, figs(p2=1), profile="16-early").qty_available, 1)

    def test_free_quantity_subtracts_reservations(self):
        cat = o.Catalog([UNIT], [prod(1), prod(2), prod(3)], [phantom(1, tmpl=1)], [line(1, 2, 2), line(1, 3, 1)])
        for v in VERSIONS:
            r = kit(cat, v, 1, figs(p2=(10, 3), p3=(9, 9)))
            self.assertEqual((r.qty_available, r.free_qty), (5, 0), v)

    def test_variant_restricted_lines(self):
        # template 50: Color (attr 1: red 101, blue 102), Size (attr 2: S 201, L 202); no_variant attr 3 (301)
        ptav_attribute = {101: 1, 102: 1, 201: 2, 202: 2, 301: 3}
        products = [
            prod(51, tmpl=50, ptav_ids=frozenset({101, 201})),  # red S
            prod(52, tmpl=50, ptav_ids=frozenset({102, 201})),  # blue S
            prod(53, tmpl=50, ptav_ids=frozenset({101, 202})),  # red L
            prod(60), prod(61), prod(62), prod(63), prod(64), prod(65),
        ]
        lines = [
            line(1, 60, 1, ptavs={101}),        # red only
            line(1, 61, 1, ptavs={102}),        # blue only
            line(1, 62, 1),                     # all
            line(1, 63, 1, ptavs={101, 102}),   # red or blue: all
            line(1, 64, 1, ptavs={101, 202}),   # red and L
            line(1, 65, 1, ptavs={301}),        # a no_variant value: never applies to kit availability
        ]
        cat = o.Catalog([UNIT], products, [phantom(1, tmpl=50)], lines, ptav_attribute, no_variant_attributes={3})
        stock = figs(p60=5, p61=2, p62=10, p63=9, p64=4, p65=0)
        for v in VERSIONS:
            self.assertEqual(kit(cat, v, 51, stock).qty_available, 5, v)
            self.assertEqual(kit(cat, v, 52, stock).qty_available, 2, v)
            self.assertEqual(kit(cat, v, 53, stock).qty_available, 4, v)

    def test_zero_quantity_lines_are_ignored(self):
        cat = o.Catalog([UNIT], [prod(1), prod(2), prod(3)], [phantom(1, tmpl=1)], [line(1, 2, 0), line(1, 3, 1)])
        for v in VERSIONS:
            self.assertEqual(kit(cat, v, 1, figs(p2=0, p3=7)).qty_available, 7, v)

    def test_consumable_components_never_limit_and_consumable_only_kit_is_zero(self):
        cat = o.Catalog([UNIT], [prod(1), prod(2, storable=False), prod(3)], [phantom(1, tmpl=1), phantom(2, tmpl=3)],
                        [line(1, 2, 1), line(1, 3, 1), line(2, 2, 1)])
        for v in VERSIONS:
            self.assertEqual(kit(cat, v, 1, figs(p2=0, p3=0)).qty_available, 0, v)
            r = kit(cat, v, 3, figs(p2=100))  # kit 3 = only the consumable
            self.assertEqual((r.qty_available, r.free_qty, r.invalid), (0, 0, None), v)

    def test_kit_without_lines_is_zero(self):
        cat = o.Catalog([UNIT], [prod(1)], [phantom(1, tmpl=1)], [])
        for v in VERSIONS:
            self.assertEqual(kit(cat, v, 1, {}).qty_available, 0, v)

    def test_cycle_is_reported(self):
        cat = o.Catalog([UNIT], [prod(1), prod(2), prod(3)], [phantom(1, tmpl=1), phantom(2, tmpl=2)],
                        [line(1, 2, 1), line(1, 3, 1), line(2, 1, 1)])
        for v in VERSIONS:
            for pid in (1, 2):
                r = kit(cat, v, pid, figs(p3=5))
                self.assertEqual((r.qty_available, r.invalid), (None, "cycle"), (v, pid))

    def test_self_referencing_kit_is_a_cycle(self):
        cat = o.Catalog([UNIT], [prod(1), prod(2)], [phantom(1, tmpl=1)], [line(1, 1, 1), line(1, 2, 1)])
        for v in VERSIONS:
            self.assertEqual(kit(cat, v, 1, figs(p2=5)).invalid, "cycle", v)

    def test_ratios_round_down_in_latest_and_half_up_before(self):
        cat = o.Catalog([UNIT_WHOLE], [prod(1, uom=3), prod(2, uom=3)], [phantom(1, tmpl=1, uom=3)], [line(1, 2, 2, uom=3)])
        for v in VERSIONS:
            self.assertEqual(kit(cat, v, 1, figs(p2=3)).qty_available, 1, v)
            self.assertEqual(kit(cat, v, 1, figs(p2=3), profile="halfup").qty_available, 2, v)
            self.assertEqual(kit(cat, v, 1, figs(p2=3), profile="grouped-raw").qty_available, 1, v)

    def test_float_round_version_shows_through_unrounded_ratios(self):
        # odoo/odoo#182265: with raw ratios, 18's float_round turns 0.7000000000000001 into 0.7, and 0.7 / 0.1 floors to 6
        tenth = o.Uom(5, 1.0, 0.1, 1)
        cat = o.Catalog([UNIT, tenth], [prod(1), prod(2, uom=5)], [phantom(1, tmpl=1)], [line(1, 2, 0.1, uom=5)])
        stock = {2: o.StockFigures(0.7000000000000001, 0.7000000000000001)}
        self.assertEqual(kit(cat, 16, 1, stock, profile="grouped-raw").qty_available, 7)
        self.assertEqual(kit(cat, 18, 1, stock, profile="grouped-raw").qty_available, 6)
        for v in VERSIONS:
            self.assertEqual(kit(cat, v, 1, stock).qty_available, 7, v)

    def test_bom_quantity_applies_after_the_ratio(self):
        cat = o.Catalog([UNIT_WHOLE], [prod(1, uom=3), prod(2, uom=3)], [phantom(1, tmpl=1, qty=2, uom=3)], [line(1, 2, 2, uom=3)])
        for v in VERSIONS:
            self.assertEqual(kit(cat, v, 1, figs(p2=3)).qty_available, 2, v)  # DOWN(1.5) = 1 batch * 2
            self.assertEqual(kit(cat, v, 1, figs(p2=3), profile="grouped-raw").qty_available, 3, v)  # 1.5 * 2

    def test_final_rounding_uses_the_last_component_rounding(self):
        # ratios 2.996 (component rounding 0.001) and 5 (component rounding 0.01, last): 2.996 -> 3.0 -> 3
        fine = o.Uom(4, 1.0, 0.001, 1)
        cat = o.Catalog([UNIT, fine], [prod(1), prod(2, uom=4), prod(3)], [phantom(1, tmpl=1)],
                        [line(1, 2, 1, uom=4), line(1, 3, 1)])
        for v in VERSIONS:
            self.assertEqual(kit(cat, v, 1, figs(p2=2.996, p3=5)).qty_available, 3, v)
        # the same lines in the other order: the last rounding is 0.001, 2.996 stays, floor 2
        cat2 = o.Catalog([UNIT, fine], [prod(1), prod(2, uom=4), prod(3)], [phantom(1, tmpl=1)],
                         [line(1, 3, 1, seq=1), line(1, 2, 1, uom=4, seq=2)])
        for v in VERSIONS:
            self.assertEqual(kit(cat2, v, 1, figs(p2=2.996, p3=5)).qty_available, 2, v)

    def test_explode_order_decides_the_last_component(self):
        # K = [S (sub-kit), C2]; S = [C1]. 16 appends sub-kit lines (C2, C1: last rounding 0.001);
        # 17/18 latest prepend them (C1, C2: last rounding 0.01). Ratios: C1 2.996, C2 5.
        fine = o.Uom(4, 1.0, 0.001, 1)
        cat = o.Catalog([UNIT, fine], [prod(1), prod(2), prod(3, uom=4), prod(4)], [phantom(1, tmpl=1), phantom(2, tmpl=2)],
                        [line(1, 2, 1, seq=1), line(1, 4, 1, seq=2), line(2, 3, 1, uom=4)])
        stock = figs(p3=2.996, p4=5)
        self.assertEqual(kit(cat, 16, 1, stock).qty_available, 2)
        self.assertEqual(kit(cat, 17, 1, stock).qty_available, 3)
        self.assertEqual(kit(cat, 18, 1, stock).qty_available, 3)
        self.assertEqual(kit(cat, 18, 1, stock, profile="halfup").qty_available, 2)

    def test_sub_kit_factor_rounded_up_in_16_only(self):
        # odoo/odoo#215821: FNS = 10 CMP1; CMP1 kit for 5000 = 50 CMP2. 16: factor 0.002 -> UP 0.01 -> 0.5 CMP2.
        cat = o.Catalog([UNIT], [prod(1), prod(2), prod(3)], [phantom(1, tmpl=1), phantom(2, tmpl=2, qty=5000)],
                        [line(1, 2, 10), line(2, 3, 50)])
        self.assertEqual(kit(cat, 16, 1, figs(p3=1)).qty_available, 2)
        self.assertEqual(kit(cat, 17, 1, figs(p3=1)).qty_available, 10)
        self.assertEqual(kit(cat, 18, 1, figs(p3=1)).qty_available, 10)
        self.assertEqual(kit(cat, 17, 1, figs(p3=1), profile="halfup").qty_available, 2)

    def test_bom_selection_order(self):
        products = [prod(1, default_code="K"), prod(2), prod(3)]
        lines = [line(10, 2, 1), line(11, 3, 1)]

        def pick(version, boms):
            cat = o.Catalog([UNIT], products, boms, [l for l in lines if l.bom_id in {b.id for b in boms}])
            return o.bom_find(cat, o.rules_for(version), cat.products[1]).id

        template_bom = lambda seq=None, **kw: phantom(10, tmpl=1, seq=seq, **kw)  # noqa: E731
        variant_bom = lambda seq=None, **kw: phantom(11, tmpl=1, product=1, seq=seq, **kw)  # noqa: E731
        # equal (NULL) sequence: 16/17 template first (priority DESC, NULLS FIRST); 18 variant first
        self.assertEqual(pick(16, [template_bom(), variant_bom()]), 10)
        self.assertEqual(pick(17, [template_bom(), variant_bom()]), 10)
        self.assertEqual(pick(18, [template_bom(), variant_bom()]), 11)
        for v in VERSIONS:
            self.assertEqual(pick(v, [template_bom(seq=5), variant_bom()]), 10, v)  # NULL sequence sorts last
            self.assertEqual(pick(v, [template_bom(seq=2), variant_bom(seq=1)]), 11, v)
            self.assertEqual(pick(v, [template_bom(active=False), variant_bom()]), 11, v)
            normal = o.Bom(12, "normal", 1, None, 1.0, 1, sequence=0)
            self.assertEqual(pick(v, [normal, template_bom(seq=9)]), 10, v)  # a normal BoM never makes a kit

    def test_equal_sequence_variant_boms_by_id(self):
        cat = o.Catalog([UNIT], [prod(1), prod(2)], [phantom(21, tmpl=1, product=1, seq=3), phantom(20, tmpl=1, product=1, seq=3)],
                        [line(20, 2, 1), line(21, 2, 2)])
        for v in VERSIONS:
            self.assertEqual(kit(cat, v, 1, figs(p2=4)).bom_id, 20, v)
            self.assertEqual(kit(cat, v, 1, figs(p2=4)).qty_available, 4, v)

    def test_sub_kit_lookup_uses_the_root_bom_company(self):
        # the sub-kit's phantom BoM belongs to company 2, the root BoM to company 1: the component is a leaf
        cat = o.Catalog([UNIT], [prod(1), prod(2), prod(3)],
                        [phantom(1, tmpl=1, company_id=1), phantom(2, tmpl=2, company_id=2)],
                        [line(1, 2, 1), line(2, 3, 2)])
        for v in VERSIONS:
            # component 2 is then read as a kit itself (top-level lookup has no company): 8 // 2 = 4
            self.assertEqual(kit(cat, v, 1, figs(p3=8)).qty_available, 4, v)
        cat.boms[2].company_id = None
        for v in VERSIONS:
            self.assertEqual(kit(cat, v, 1, figs(p3=8)).qty_available, 4, v)

    def test_service_is_never_a_kit(self):
        svc = o.Product(1, 1, 1, type="service")
        cat = o.Catalog([UNIT], [svc, prod(2)], [phantom(1, tmpl=1)], [line(1, 2, 1)])
        for v in VERSIONS:
            self.assertEqual(kit(cat, v, 1, figs(p2=3)).invalid, "not_a_kit", v)

    def test_storable_flag_per_version(self):
        # 16/17 read product_template.type = 'product'; 18 reads is_storable (type is 'consu' for goods)
        comp16 = o.Product(2, 2, 1, type="product", is_storable=None)
        comp18 = o.Product(3, 3, 1, type="consu", is_storable=True)
        cat = o.Catalog([UNIT], [prod(1), comp16, comp18], [phantom(1, tmpl=1)], [line(1, 2, 1), line(1, 3, 1)])
        stock = figs(p2=2, p3=9)
        self.assertEqual(kit(cat, 16, 1, stock).qty_available, 2)
        self.assertEqual(kit(cat, 17, 1, stock).qty_available, 2)
        self.assertEqual(kit(cat, 18, 1, stock).qty_available, 9)

    def test_decimal_strings(self):
        self.assertEqual(o.decimal_string(8.0), "8")
        self.assertEqual(o.decimal_string(-0.0), "0")
        self.assertEqual(o.decimal_string(0.5), "0.5")
        self.assertIsNone(o.decimal_string(None))


PG_TEST = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scripts", "pg-test.sh")

SCHEMA = """
CREATE TABLE uom_category (id serial PRIMARY KEY, name jsonb NOT NULL);
CREATE TABLE uom_uom (id serial PRIMARY KEY, name jsonb NOT NULL, category_id int4 NOT NULL, factor numeric NOT NULL,
  rounding numeric NOT NULL, active bool, uom_type varchar NOT NULL);
CREATE TABLE product_template (id serial PRIMARY KEY, name jsonb NOT NULL, {type_cols}, uom_id int4 NOT NULL,
  default_code varchar, {fav_col});
CREATE TABLE product_product (id serial PRIMARY KEY, product_tmpl_id int4 NOT NULL, default_code varchar, active bool);
CREATE TABLE product_attribute (id serial PRIMARY KEY, name jsonb NOT NULL, create_variant varchar NOT NULL);
CREATE TABLE product_template_attribute_value (id serial PRIMARY KEY, attribute_id int4, product_tmpl_id int4);
CREATE TABLE product_variant_combination (product_product_id int4 NOT NULL, product_template_attribute_value_id int4 NOT NULL);
CREATE TABLE mrp_bom (id serial PRIMARY KEY, active bool, type varchar NOT NULL, product_tmpl_id int4 NOT NULL,
  product_id int4, product_qty numeric NOT NULL, product_uom_id int4 NOT NULL, sequence int4, company_id int4,
  picking_type_id int4);
CREATE TABLE mrp_bom_line (id serial PRIMARY KEY, product_id int4 NOT NULL, product_qty numeric NOT NULL,
  product_uom_id int4 NOT NULL, sequence int4, bom_id int4 NOT NULL);
CREATE TABLE mrp_bom_line_product_template_attribute_value_rel (mrp_bom_line_id int4 NOT NULL,
  product_template_attribute_value_id int4 NOT NULL);
CREATE TABLE stock_location (id serial PRIMARY KEY, name varchar NOT NULL, usage varchar NOT NULL, location_id int4,
  parent_path varchar, active bool);
CREATE TABLE stock_warehouse (id serial PRIMARY KEY, name varchar NOT NULL, code varchar(5) NOT NULL,
  company_id int4 NOT NULL, active bool, view_location_id int4 NOT NULL, lot_stock_id int4 NOT NULL, sequence int4);
CREATE TABLE stock_quant (id serial PRIMARY KEY, product_id int4 NOT NULL, location_id int4 NOT NULL,
  quantity numeric, reserved_quantity numeric NOT NULL DEFAULT 0);
"""


def _data_sql(version: int) -> str:
    storable = "'consu', true" if version >= 18 else "'product', 'product'"
    consumable = "'consu', false" if version >= 18 else "'consu', 'consu'"
    fav = "false" if version >= 18 else "'0'"
    rows = [
        "INSERT INTO uom_category VALUES (1, '{\"en_US\": \"Unit\"}')",
        "INSERT INTO uom_uom VALUES (1, '{\"en_US\": \"Units\"}', 1, 1, 0.01, true, 'reference')",
        # templates 1..7 = A..G components; 8 kit_1; 9 kit_2; 10 kit_3; 11 parent; 12 consumable; 13 cyclic kit
    ]
    for t in range(1, 14):
        kind = consumable if t == 12 else storable
        rows.append(f"INSERT INTO product_template VALUES ({t}, '{{\"en_US\": \"T{t}\"}}', {kind}, 1, NULL, {fav})")
        rows.append(f"INSERT INTO product_product VALUES ({t}, {t}, NULL, true)")
    rows += [
        "INSERT INTO mrp_bom VALUES (1, true, 'phantom', 8, NULL, 1, 1, NULL, 1, NULL)",
        "INSERT INTO mrp_bom VALUES (2, true, 'phantom', 9, NULL, 1, 1, NULL, 1, NULL)",
        "INSERT INTO mrp_bom VALUES (3, true, 'phantom', 10, NULL, 1, 1, NULL, 1, NULL)",
        "INSERT INTO mrp_bom VALUES (4, true, 'phantom', 11, NULL, 1, 1, NULL, 1, NULL)",
        "INSERT INTO mrp_bom VALUES (5, true, 'phantom', 13, NULL, 1, 1, NULL, NULL, NULL)",
        "INSERT INTO mrp_bom_line VALUES (1, 1, 2, 1, 1, 1), (2, 2, 1, 1, 1, 1), (3, 3, 3, 1, 1, 1),"
        " (4, 4, 1, 1, 1, 2), (5, 8, 2, 1, 1, 2), (6, 6, 1, 1, 1, 3), (7, 7, 2, 1, 1, 3),"
        " (8, 5, 1, 1, 1, 4), (9, 9, 2, 1, 1, 4), (10, 10, 2, 1, 1, 4), (11, 12, 1, 1, 1, 4),"
        " (12, 13, 1, 1, 1, 5)",
        # locations: 1 Physical Locations; WH1 view 2, stock 3, QC 4; WH2 view 5, stock 6; 7 Partners/Customers
        "INSERT INTO stock_location VALUES (1, 'Physical Locations', 'view', NULL, '1/', true),"
        " (2, 'WH1', 'view', 1, '1/2/', true), (3, 'Stock', 'internal', 2, '1/2/3/', true),"
        " (4, 'Quality Control', 'internal', 2, '1/2/4/', true),"
        " (5, 'WH2', 'view', 1, '1/5/', true), (6, 'Stock', 'internal', 5, '1/5/6/', true),"
        " (7, 'Customers', 'customer', NULL, '7/', true), (8, 'WH3', 'view', 1, '1/8/', true),"
        " (9, 'Stock', 'internal', 8, '1/8/9/', true)",
        "INSERT INTO stock_warehouse VALUES (1, 'Main', 'WH1', 1, true, 2, 3, 10), (2, 'Second', 'WH2', 1, true, 5, 6, 20),"
        " (3, 'Archived', 'WH3', 1, false, 8, 9, 30)",
    ]
    # WH1: A8 B4 C12 D2 E1 F2 G4 (part of C in QC); WH2: A7 B3 C12 D1 E1 F1 G4; customers and WH3 hold noise
    wh1 = {1: 8, 2: 4, 3: 12, 4: 2, 5: 1, 6: 2, 7: 4}
    wh2 = {1: 7, 2: 3, 3: 12, 4: 1, 5: 1, 6: 1, 7: 4}
    qid = 1
    for pid, q in wh1.items():
        if pid == 3:
            rows.append(f"INSERT INTO stock_quant VALUES ({qid}, 3, 3, 10, 0), ({qid + 1}, 3, 4, 2, 0)")
            qid += 2
        else:
            reserved = 1 if pid == 1 else 0
            rows.append(f"INSERT INTO stock_quant VALUES ({qid}, {pid}, 3, {q}, {reserved})")
            qid += 1
    for pid, q in wh2.items():
        rows.append(f"INSERT INTO stock_quant VALUES ({qid}, {pid}, 6, {q}, 0)")
        qid += 1
    rows.append(f"INSERT INTO stock_quant VALUES ({qid}, 1, 7, 100, 0), ({qid + 1}, 1, 9, 100, 0)")
    return ";\n".join(rows) + ";\n"


def _postgres_binaries_present():
    """Whether the server binaries are installed: Debian keeps initdb and pg_ctl in `pg_config --bindir`, off PATH."""
    try:
        bindir = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return False
    return all(os.access(os.path.join(bindir, name), os.X_OK) for name in ("initdb", "pg_ctl")) and shutil.which("psql") is not None


# Under CI nothing skips silently: without PostgreSQL the test runs and fails.
@unittest.skipUnless(_postgres_binaries_present() or os.environ.get("CI"), "PostgreSQL binaries missing")
class CliTest(unittest.TestCase):
    """Runs the CLI against a throwaway PostgreSQL cluster holding Odoo-shaped tables."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="kit-oracle-pg-", dir="/tmp")
        os.chmod(cls.dir, 0o755)
        cls.env = dict(os.environ, PGTEST_DIR=os.path.join(cls.dir, "pg"))
        subprocess.run(["bash", PG_TEST, "start"], env=cls.env, check=True, capture_output=True)
        with open(os.path.join(cls.env["PGTEST_DIR"], "port")) as f:
            port = f.read().strip()
        cls.base_dsn = f"host=127.0.0.1 port={port} user=postgres"
        for version in VERSIONS:
            cls._psql(f"{cls.base_dsn} dbname=postgres", f"CREATE DATABASE odoo{version}")
            type_cols = "type varchar NOT NULL, is_storable bool" if version >= 18 else "type varchar, detailed_type varchar NOT NULL"
            fav_col = "is_favorite bool" if version >= 18 else "priority varchar"
            dsn = f"{cls.base_dsn} dbname=odoo{version}"
            cls._psql(dsn, SCHEMA.format(type_cols=type_cols, fav_col=fav_col))
            cls._psql(dsn, _data_sql(version))

    @classmethod
    def tearDownClass(cls):
        subprocess.run(["bash", PG_TEST, "destroy"], env=cls.env, capture_output=True)
        shutil.rmtree(cls.dir, ignore_errors=True)

    @staticmethod
    def _psql(dsn, sql):
        subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", dsn, "-c", sql], check=True, capture_output=True)

    def run_cli(self, version, *args):
        proc = subprocess.run(
            [sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "odoo_kit_oracle.py"),
             "--dsn", f"{self.base_dsn} dbname=odoo{version}", "--odoo-version", str(version), *args],
            capture_output=True, text=True,
        )
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return json.loads(proc.stdout)

    @staticmethod
    def by_variant(kits):
        return {k["variant_id"]: k for k in kits}

    def test_scopes(self):
        for v in VERSIONS:
            wh1 = self.by_variant(self.run_cli(v, "--warehouse", "WH1")["kits"])
            self.assertEqual((wh1[11]["on_hand"], wh1[11]["free"]), ("1", "0"), v)  # 1 A reserved in WH1
            self.assertEqual((wh1[8]["on_hand"], wh1[9]["on_hand"], wh1[10]["on_hand"]), ("4", "2", "2"), v)
            wh2 = self.by_variant(self.run_cli(v, "--warehouse", "2")["kits"])
            self.assertEqual(wh2[11]["on_hand"], "0", v)
            default = self.by_variant(self.run_cli(v)["kits"])  # active warehouses only: not WH3, not Customers
            self.assertEqual(default[11]["on_hand"], "1", v)
            self.assertEqual(default[8]["on_hand"], "7", v)  # A 15 // 2 = 7
            qc = self.by_variant(self.run_cli(v, "--location", "4")["kits"])
            self.assertEqual(qc[8]["on_hand"], "0", v)  # only 2 C in QC
            per_wh = self.run_cli(v, "--all-warehouses")["warehouses"]
            self.assertEqual([w["code"] for w in per_wh], ["WH1", "WH2"], v)
            self.assertEqual(self.by_variant(per_wh[0]["kits"])[11]["on_hand"], "1", v)

    def test_cycle_is_reported_not_a_crash(self):
        for v in VERSIONS:
            kits = self.by_variant(self.run_cli(v)["kits"])
            self.assertEqual((kits[13]["invalid"], kits[13]["on_hand"]), ("cycle", None), v)
            self.assertIsNone(kits[11]["invalid"], v)

    def test_unknown_warehouse_is_an_error(self):
        proc = subprocess.run(
            [sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "odoo_kit_oracle.py"),
             "--dsn", f"{self.base_dsn} dbname=odoo17", "--odoo-version", "17", "--warehouse", "NOPE"],
            capture_output=True, text=True,
        )
        self.assertEqual(proc.returncode, 2)
        self.assertIn("matches 0 warehouses", proc.stderr)


if __name__ == "__main__":
    unittest.main()
