#!/usr/bin/env python3
"""Odoo-faithful reference ("oracle") for kit (phantom BoM) availability, Odoo 16 / 17 / 18.

Standard library only. This file restates what Odoo's Python does, step by step, with Python floats:

* ``odoo/tools/float_utils.py``: ``float_round`` / ``float_is_zero`` / ``float_compare``.
  There are two implementations: 16/17 (old) and 18 (odoo/odoo#152709, shipped from saas-17.4).
* ``addons/uom/models/uom_uom.py``: ``_compute_quantity``.
* ``addons/mrp/models/mrp_bom.py``: ``_bom_find`` (with the ORDER BY of ``sequence, product_id, id``),
  ``explode`` and ``_skip_bom_line``.
* ``addons/mrp/models/product.py``: ``_compute_quantities_dict`` for kits (qty_available and free_qty).
* ``addons/stock/models/product.py``: the component figures, i.e. the quant sums over a location scope,
  rounded to the product UoM.

The per-version rules and the Odoo commits they come from are in docs/kits.md ("What differs between
versions"). It does not copy the Swift implementation; it is meant to check it.

Library use::

    cat = Catalog(uoms=[...], products=[...], boms=[...], ptav_attribute={...}, no_variant_attributes=set())
    rules = rules_for(17)                      # latest 17.0 patch level
    figures = {component_id: StockFigures(on_hand=4.0, free=4.0), ...}
    result = kit_quantities(cat, rules, product_id, figures)   # KitResult(qty_available, free_qty, invalid, bom_id)

CLI use (reads the tables with ``psql``)::

    python3 tools/odoo_kit_oracle.py --dsn 'host=127.0.0.1 port=5432 dbname=odoo user=odoo' --odoo-version 17 \\
        [--warehouse CODE|ID | --location ID | --all-warehouses] [--company ID ...] [--profile latest]

It prints ``{"kits": [{"variant_id": 7, "on_hand": "8", "free": "8", "invalid": null, ...}, ...]}``.
"""

from __future__ import annotations

import argparse
import builtins
import csv
import functools
import io
import json
import math
import re
import subprocess
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable, Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple

# ---------------------------------------------------------------------------------------------------------
# float_utils: 16/17 (old implementation)
# ---------------------------------------------------------------------------------------------------------


def _py2_round(f: float) -> float:
    """Odoo's ``float_utils.round``: Python 2 rounding (half away from zero), always returning a float."""
    roundf = builtins.round(f)
    if builtins.round(f + 1) - roundf != 1:
        return f + math.copysign(0.5, f)
    return math.copysign(roundf, f)


def _check_precision_v16(precision_digits=None, precision_rounding=None) -> float:
    assert (precision_digits is not None or precision_rounding is not None) and not (
        precision_digits and precision_rounding
    ), "exactly one of precision_digits and precision_rounding must be specified"
    assert precision_rounding is None or precision_rounding > 0, (
        "precision_rounding must be positive, got %s" % precision_rounding
    )
    if precision_digits is not None:
        return 10 ** -precision_digits
    return precision_rounding


def float_round_v16(value, precision_digits=None, precision_rounding=None, rounding_method="HALF-UP"):
    """``float_round`` of Odoo 16.0 / 17.0 (odoo/tools/float_utils.py)."""
    rounding_factor = _check_precision_v16(precision_digits=precision_digits, precision_rounding=precision_rounding)
    if rounding_factor == 0 or value == 0:
        return 0.0
    normalized_value = value / rounding_factor
    sign = math.copysign(1.0, normalized_value)
    epsilon_magnitude = math.log(abs(normalized_value), 2)
    epsilon = 2 ** (epsilon_magnitude - 52)
    if rounding_method == "UP":
        normalized_value -= sign * epsilon
        rounded_value = math.ceil(abs(normalized_value)) * sign
    elif rounding_method == "DOWN":
        normalized_value += sign * epsilon
        rounded_value = math.floor(abs(normalized_value)) * sign
    else:
        normalized_value += math.copysign(epsilon, normalized_value)
        rounded_value = _py2_round(normalized_value)
    return rounded_value * rounding_factor


def float_is_zero_v16(value, precision_digits=None, precision_rounding=None) -> bool:
    epsilon = _check_precision_v16(precision_digits=precision_digits, precision_rounding=precision_rounding)
    return abs(float_round_v16(value, precision_rounding=epsilon)) < epsilon


def float_compare_v16(value1, value2, precision_digits=None, precision_rounding=None) -> int:
    rounding_factor = _check_precision_v16(precision_digits=precision_digits, precision_rounding=precision_rounding)
    value1 = float_round_v16(value1, precision_rounding=rounding_factor)
    value2 = float_round_v16(value2, precision_rounding=rounding_factor)
    delta = value1 - value2
    if float_is_zero_v16(delta, precision_rounding=rounding_factor):
        return 0
    return -1 if delta < 0.0 else 1


# ---------------------------------------------------------------------------------------------------------
# float_utils: 18 (new implementation, odoo/odoo#152709)
# ---------------------------------------------------------------------------------------------------------

_INVERTDICT = {
    1e-1: 1e+1, 1e-2: 1e+2, 1e-3: 1e+3, 1e-4: 1e+4, 1e-5: 1e+5,
    1e-6: 1e+6, 1e-7: 1e+7, 1e-8: 1e+8, 1e-9: 1e+9, 1e-10: 1e+10,
    2e-1: 5e+0, 2e-2: 5e+1, 2e-3: 5e+2, 2e-4: 5e+3, 2e-5: 5e+4,
    2e-6: 5e+5, 2e-7: 5e+6, 2e-8: 5e+7, 2e-9: 5e+8, 2e-10: 5e+9,
    5e-1: 2e+0, 5e-2: 2e+1, 5e-3: 2e+2, 5e-4: 2e+3, 5e-5: 2e+4,
    5e-6: 2e+5, 5e-7: 2e+6, 5e-8: 2e+7, 5e-9: 2e+8, 5e-10: 2e+9,
}  # fmt: skip


def float_invert(value: float) -> float:
    """Odoo 18 ``float_invert``: inverts a float with increased accuracy."""
    result = _INVERTDICT.get(value)
    if result is None:
        coefficient, exponent = f"{value:.15e}".split("e")
        result = float(f"{coefficient}e{-int(exponent)}") / float(coefficient) ** 2
    return result


def _check_precision_v18(precision_digits=None, precision_rounding=None) -> float:
    if precision_rounding is not None and precision_digits is None:
        assert precision_rounding > 0, f"precision_rounding must be positive, got {precision_rounding}"
    elif precision_digits is not None and precision_rounding is None:
        assert float(precision_digits).is_integer() and precision_digits >= 0, (
            f"precision_digits must be a non-negative integer, got {precision_digits}"
        )
        precision_rounding = 10 ** -precision_digits
    else:
        raise AssertionError("exactly one of precision_digits and precision_rounding must be specified")
    return precision_rounding


def float_round_v18(value, precision_digits=None, precision_rounding=None, rounding_method="HALF-UP"):
    """``float_round`` of Odoo 18.0 (odoo/tools/float_utils.py)."""
    rounding_factor = _check_precision_v18(precision_digits=precision_digits, precision_rounding=precision_rounding)
    if rounding_factor == 0 or value == 0:
        return 0.0

    def normalize(val):
        return val / rounding_factor

    def denormalize(val):
        return val * rounding_factor

    if rounding_factor < 1:
        rounding_factor = float_invert(rounding_factor)
        normalize, denormalize = denormalize, normalize

    normalized_value = normalize(value)
    epsilon_magnitude = math.log2(abs(normalized_value))
    epsilon = 2 ** (epsilon_magnitude - 50)

    if rounding_method == "HALF-UP":
        result = _py2_round(normalized_value + math.copysign(epsilon, normalized_value))
    elif rounding_method == "HALF-EVEN":
        integral = math.floor(normalized_value)
        remainder = abs(normalized_value - integral)
        is_half = abs(0.5 - remainder) < epsilon
        result = integral + (integral & 1) if is_half else _py2_round(normalized_value)
    elif rounding_method == "HALF-DOWN":
        result = _py2_round(normalized_value - math.copysign(epsilon, normalized_value))
    elif rounding_method == "UP":
        result = math.trunc(normalized_value + math.copysign(1 - epsilon, normalized_value))
    elif rounding_method == "DOWN":
        result = math.trunc(normalized_value + math.copysign(epsilon, normalized_value))
    else:
        raise ValueError(f"unknown rounding method: {rounding_method}")
    return denormalize(result)


def float_is_zero_v18(value, precision_digits=None, precision_rounding=None) -> bool:
    epsilon = _check_precision_v18(precision_digits=precision_digits, precision_rounding=precision_rounding)
    return value == 0.0 or abs(float_round_v18(value, precision_rounding=epsilon)) < epsilon


def float_compare_v18(value1, value2, precision_digits=None, precision_rounding=None) -> int:
    rounding_factor = _check_precision_v18(precision_digits=precision_digits, precision_rounding=precision_rounding)
    if value1 == value2:
        return 0
    value1 = float_round_v18(value1, precision_rounding=rounding_factor)
    value2 = float_round_v18(value2, precision_rounding=rounding_factor)
    delta = value1 - value2
    if float_is_zero_v18(delta, precision_rounding=rounding_factor):
        return 0
    return -1 if delta < 0.0 else 1


@dataclass(frozen=True)
class FloatUtils:
    """The float helpers of one Odoo version."""

    round: Callable[..., float]
    is_zero: Callable[..., bool]
    compare: Callable[..., int]


FLOAT_UTILS_V16 = FloatUtils(float_round_v16, float_is_zero_v16, float_compare_v16)
FLOAT_UTILS_V18 = FloatUtils(float_round_v18, float_is_zero_v18, float_compare_v18)


def float_utils_for(version: int) -> FloatUtils:
    """16 and 17 use the old float_round; 18 the new one."""
    return FLOAT_UTILS_V18 if version >= 18 else FLOAT_UTILS_V16


# ---------------------------------------------------------------------------------------------------------
# Version rules
# ---------------------------------------------------------------------------------------------------------

PROFILES = ("latest", "halfup", "grouped-raw", "16-early")


@dataclass(frozen=True)
class Rules:
    """How one Odoo version (and patch level) computes kit quantities. See the findings file for sources."""

    version: int
    profile: str
    grouped: bool  # lines grouped per component (odoo/odoo#120752, May 2023)
    ratio_rounding: Optional[str]  # None (raw), 'HALF-UP' (Oct 2024) or 'DOWN' (May 2025)
    final_round: bool  # float_round(min * product_qty, last component rounding) before // 1
    sub_bom_round: bool  # explode: round the sub-kit factor UP to the sub-BoM UoM (16; 17/18 until June 2025)
    prepend_sub_lines: bool  # explode: depth-first (17/18 from mid-2025) vs breadth-first (16; older 17/18)
    graph_cycle_check: bool  # explode: template-graph "Recursion error" check (16 only)
    variant_bom_wins_tie: bool  # _bom_find: 18 puts the variant BoM before the template BoM at equal sequence
    no_variant_skip: bool  # _skip_bom_line via _skip_for_no_variant (18)
    floats: FloatUtils

    @property
    def storable_column(self) -> str:
        return "is_storable" if self.version >= 18 else "type"


def rules_for(version: int, profile: str = "latest") -> Rules:
    """The rules for Odoo ``version`` (16, 17, 18) at patch level ``profile``.

    Profiles: ``latest`` (after July 2025: DOWN ratios; 17/18 explode without sub-kit rounding, depth-first),
    ``halfup`` (Oct 2024 - May 2025), ``grouped-raw`` (May 2023 - Oct 2024), ``16-early`` (16.0 before May 2023:
    one ratio per line).
    """
    if version not in (16, 17, 18):
        raise ValueError(f"unsupported Odoo version {version!r} (16, 17 or 18)")
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r} ({', '.join(PROFILES)})")
    if profile == "16-early" and version != 16:
        raise ValueError("profile 16-early only exists for Odoo 16")
    ratio = {"latest": "DOWN", "halfup": "HALF-UP", "grouped-raw": None, "16-early": None}[profile]
    return Rules(
        version=version,
        profile=profile,
        grouped=profile != "16-early",
        ratio_rounding=ratio,
        final_round=profile in ("latest", "halfup"),
        sub_bom_round=version == 16 or profile != "latest",
        prepend_sub_lines=version >= 17 and profile == "latest",
        graph_cycle_check=version == 16,
        variant_bom_wins_tie=version >= 18,
        no_variant_skip=version >= 18,
        floats=float_utils_for(version),
    )


# ---------------------------------------------------------------------------------------------------------
# Records (restating the columns Odoo stores)
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Uom:
    """uom_uom: factor (1 reference unit = factor x this unit), rounding, category."""

    id: int
    factor: float
    rounding: float
    category_id: int


@dataclass
class Product:
    """product_product joined with product_template.

    ``type``: product_template.type (16/17: 'product' = storable, 'consu', 'service'; 18: 'consu', 'service', 'combo').
    ``is_storable``: product_template.is_storable (18). ``ptav_ids``: product_variant_combination.
    ``priority`` (16/17 template), ``is_favorite`` (18 template), ``default_code`` and ``name`` only matter for the
    BoM tie-break order.
    """

    id: int
    tmpl_id: int
    uom_id: int
    type: str = "product"
    is_storable: Optional[bool] = None
    ptav_ids: FrozenSet[int] = frozenset()
    active: bool = True
    default_code: Optional[str] = None
    priority: Optional[str] = "0"
    is_favorite: Optional[bool] = False
    name: Optional[str] = "product"


@dataclass
class BomLine:
    """mrp_bom_line plus its mrp_bom_line_product_template_attribute_value_rel rows."""

    id: int
    bom_id: int
    product_id: int
    product_qty: float
    product_uom_id: int
    sequence: Optional[int] = 1
    ptav_ids: FrozenSet[int] = frozenset()


@dataclass
class Bom:
    """mrp_bom. ``lines`` are filled by Catalog in mrp.bom.line order (sequence, id)."""

    id: int
    type: str
    product_tmpl_id: int
    product_id: Optional[int]
    product_qty: float
    product_uom_id: int
    active: bool = True
    sequence: Optional[int] = None
    company_id: Optional[int] = None
    picking_type_id: Optional[int] = None
    lines: List[BomLine] = field(default_factory=list)


@dataclass(frozen=True)
class StockFigures:
    """A component's unrounded stock figures in one scope, as Odoo's stock module gets them.

    on_hand = float(SUM(quantity)); free = float(SUM(quantity)) - float(SUM(reserved_quantity)).
    """

    on_hand: float = 0.0
    free: float = 0.0


class KitError(Exception):
    """Odoo would raise (or, for 18 and a cycle, never return). ``code``: 'cycle' or 'uom'."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def _asc_nulls_last(value):
    return (1, 0) if value is None else (0, value)


class Catalog:
    """The master data: units, variants, BoMs and attribute values."""

    def __init__(
        self,
        uoms: Iterable[Uom],
        products: Iterable[Product],
        boms: Iterable[Bom],
        lines: Iterable[BomLine] = (),
        ptav_attribute: Optional[Dict[int, int]] = None,
        no_variant_attributes: Iterable[int] = (),
    ):
        self.uoms: Dict[int, Uom] = {u.id: u for u in uoms}
        self.products: Dict[int, Product] = {p.id: p for p in products}
        self.boms: Dict[int, Bom] = {b.id: b for b in boms}
        for line in lines:
            self.boms[line.bom_id].lines.append(line)
        for bom in self.boms.values():
            # mrp.bom.line _order = "sequence, id" (ORDER BY ASC puts NULL sequences last)
            bom.lines.sort(key=lambda l: (_asc_nulls_last(l.sequence), l.id))
        self.ptav_attribute: Dict[int, int] = dict(ptav_attribute or {})
        self.no_variant_attributes = frozenset(no_variant_attributes)
        self._by_product: Dict[int, List[Bom]] = {}
        self._by_template: Dict[int, List[Bom]] = {}
        for bom in self.boms.values():
            if bom.product_id is not None:
                self._by_product.setdefault(bom.product_id, []).append(bom)
            else:
                self._by_template.setdefault(bom.product_tmpl_id, []).append(bom)

    def candidate_boms(self, product: Product) -> List[Bom]:
        """BoMs whose product domain matches: product_id = P, or product_id NULL and template = P's."""
        return list(self._by_product.get(product.id, [])) + list(self._by_template.get(product.tmpl_id, []))


# ---------------------------------------------------------------------------------------------------------
# uom.uom._compute_quantity
# ---------------------------------------------------------------------------------------------------------


def compute_quantity(
    rules: Rules,
    from_uom: Uom,
    qty: float,
    to_uom: Uom,
    round: bool = True,  # noqa: A002 - Odoo's parameter name
    rounding_method: str = "UP",
    raise_if_failure: bool = True,
) -> float:
    """``uom.uom._compute_quantity`` (same logic in 16, 17 and 18)."""
    if not qty:
        return qty
    if from_uom.id != to_uom.id and from_uom.category_id != to_uom.category_id:
        if raise_if_failure:
            raise KitError("uom", f"units {from_uom.id} and {to_uom.id} are in different categories")
        return qty
    if from_uom.id == to_uom.id:
        amount = qty
    else:
        amount = qty / from_uom.factor
        amount = amount * to_uom.factor
    if round:
        amount = rules.floats.round(amount, precision_rounding=to_uom.rounding, rounding_method=rounding_method)
    return amount


# ---------------------------------------------------------------------------------------------------------
# mrp.bom._bom_find
# ---------------------------------------------------------------------------------------------------------


def _pg_compare(a, b, descending: bool) -> int:
    """Compare two SQL values as PostgreSQL's ORDER BY does (ASC: NULLS LAST; DESC: NULLS FIRST)."""
    if a is None and b is None:
        return 0
    if a is None:
        return -1 if descending else 1
    if b is None:
        return 1 if descending else -1
    if a == b:
        return 0
    less = a < b
    if descending:
        return 1 if less else -1
    return -1 if less else 1


def _bom_order_terms(rules: Rules, bom: Bom, catalog: Catalog) -> List[Tuple[object, bool]]:
    """The ORDER BY terms of ``order='sequence, product_id, id'`` for one BoM row, as (value, descending).

    ``product_id`` expands through a LEFT JOIN to product.product's ``_order``:
    16/17 ``priority desc, default_code, name, id``; 18 ``is_favorite desc, default_code, name, id`` where the
    boolean is wrapped in COALESCE(x, FALSE). A template BoM (product_id NULL) has NULL in every joined column.
    """
    variant = catalog.products.get(bom.product_id) if bom.product_id is not None else None
    terms: List[Tuple[object, bool]] = [(bom.sequence, False)]
    if rules.variant_bom_wins_tie:
        fav = bool(variant.is_favorite) if variant is not None else False
        terms.append((fav, True))
    else:
        terms.append((variant.priority if variant is not None else None, True))
    terms.append((variant.default_code if variant is not None else None, False))
    terms.append((variant.name if variant is not None else None, False))
    terms.append((variant.id if variant is not None else None, False))
    terms.append((bom.id, False))
    return terms


def bom_find(
    catalog: Catalog,
    rules: Rules,
    product: Product,
    bom_type: str = "phantom",
    company_id: Optional[int] = None,
    picking_type_id: Optional[int] = None,
) -> Optional[Bom]:
    """``mrp.bom._bom_find([product], bom_type=..., company_id=..., picking_type=...)[product]``."""
    if product.type == "service":
        return None
    candidates = [
        b
        for b in catalog.candidate_boms(product)
        if b.active
        and b.type == bom_type
        and (not company_id or b.company_id in (None, company_id))
        and (not picking_type_id or b.picking_type_id in (None, picking_type_id))
    ]
    if not candidates:
        return None

    def cmp(x: Bom, y: Bom) -> int:
        for (a, desc), (b, _) in zip(_bom_order_terms(rules, x, catalog), _bom_order_terms(rules, y, catalog)):
            c = _pg_compare(a, b, desc)
            if c:
                return c
        return 0

    return sorted(candidates, key=functools.cmp_to_key(cmp))[0]


# ---------------------------------------------------------------------------------------------------------
# mrp.bom.line._skip_bom_line and mrp.bom.explode
# ---------------------------------------------------------------------------------------------------------


def _match_all_variant_values(catalog: Catalog, product: Product, ptav_ids: FrozenSet[int]) -> bool:
    """``len(product.ptavs & line_ptavs) == len(line_ptavs.attribute_id)``."""
    attributes = {catalog.ptav_attribute.get(v) for v in ptav_ids}
    return len(product.ptav_ids & ptav_ids) == len(attributes)


def skip_bom_line(catalog: Catalog, rules: Rules, line: BomLine, product: Product) -> bool:
    """``mrp.bom.line._skip_bom_line(product)`` with no never-attribute values (kit availability)."""
    if rules.no_variant_skip:
        no_variant = frozenset(v for v in line.ptav_ids if catalog.ptav_attribute.get(v) in catalog.no_variant_attributes)
        other_valid = _match_all_variant_values(catalog, product, line.ptav_ids - no_variant)
        if not no_variant:
            return not other_valid
        return True  # no_variant values on the line, none passed: "impossible to match"
    return not _match_all_variant_values(catalog, product, line.ptav_ids)


@dataclass(frozen=True)
class LeafLine:
    """One entry of explode()'s lines_done: the line, its rounded quantity, and the explode quantity."""

    line: BomLine
    qty: float
    original_qty: float


def explode(catalog: Catalog, rules: Rules, bom: Bom, product: Product, quantity: float = 1) -> List[LeafLine]:
    """``mrp.bom.explode(product, quantity)[1]``; raises KitError('cycle') where Odoo raises or never returns."""
    floats = rules.floats
    product_boms: Dict[int, Optional[Bom]] = {}

    def sub_bom(p: Product) -> Optional[Bom]:
        if p.id not in product_boms:
            product_boms[p.id] = bom_find(
                catalog, rules, p, "phantom", company_id=bom.company_id, picking_type_id=bom.picking_type_id
            )
        return product_boms[p.id]

    graph: Dict[int, List[int]] = {}
    seen_templates = {product.tmpl_id}

    def check_cycle(v: int, visited: Dict[int, bool], rec_stack: Dict[int, bool]) -> bool:
        visited[v] = True
        rec_stack[v] = True
        for neighbour in graph.get(v, []):
            if not visited.get(neighbour, False):
                if check_cycle(neighbour, visited, rec_stack):
                    return True
            elif rec_stack.get(neighbour, False):
                return True
        rec_stack[v] = False
        return False

    queue: List[Tuple[BomLine, Product, float, frozenset]] = []
    for line in bom.lines:
        component = catalog.products[line.product_id]
        seen_templates.add(component.tmpl_id)
        graph.setdefault(product.tmpl_id, []).append(component.tmpl_id)
        queue.append((line, product, quantity, frozenset((product.id,))))

    lines_done: List[LeafLine] = []
    while queue:
        current_line, current_product, current_qty, ancestors = queue.pop(0)
        if skip_bom_line(catalog, rules, current_line, current_product):
            continue
        line_quantity = current_qty * current_line.product_qty
        component = catalog.products[current_line.product_id]
        line_uom = catalog.uoms[current_line.product_uom_id]
        child = sub_bom(component)
        if child is not None:
            if component.id in ancestors:
                # 16/17's graph check raises before this; 18 has no check and loops forever.
                raise KitError("cycle", f"phantom BoM cycle through product {component.id}")
            converted = compute_quantity(
                rules,
                line_uom,
                line_quantity / child.product_qty,
                catalog.uoms[child.product_uom_id],
                round=rules.sub_bom_round,
            )
            new = [(l, component, converted, ancestors | {component.id}) for l in child.lines]
            queue = new + queue if rules.prepend_sub_lines else queue + new
            if rules.graph_cycle_check:
                for sub_line in child.lines:
                    sub_tmpl = catalog.products[sub_line.product_id].tmpl_id
                    graph.setdefault(component.tmpl_id, []).append(sub_tmpl)
                    if sub_tmpl in seen_templates and check_cycle(
                        sub_tmpl, {k: False for k in seen_templates}, {k: False for k in seen_templates}
                    ):
                        raise KitError("cycle", "Recursion error!  A product with a Bill of Material should not have itself in its BoM or child BoMs!")
                    seen_templates.add(sub_tmpl)
        else:
            leaf_qty = floats.round(line_quantity, precision_rounding=line_uom.rounding, rounding_method="UP")
            lines_done.append(LeafLine(current_line, leaf_qty, quantity))
    return lines_done


# ---------------------------------------------------------------------------------------------------------
# product.product._compute_quantities_dict (kits)
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KitResult:
    """qty_available and free_qty of a kit (Odoo returns floats such as 8.0), or why there is none."""

    qty_available: Optional[float]
    free_qty: Optional[float]
    invalid: Optional[str] = None
    bom_id: Optional[int] = None


def is_storable(rules: Rules, product: Product) -> bool:
    """16/17: ``type == 'product'``; 18: ``is_storable``."""
    if rules.version >= 18:
        return bool(product.is_storable)
    return product.type == "product"


FIELDS = ("qty_available", "free_qty")


def stock_figures(rules: Rules, catalog: Catalog, product: Product, figures: Dict[int, StockFigures]) -> Dict[str, float]:
    """The stock module's figures for a non-kit product: each sum rounded HALF-UP to the product UoM."""
    if product.type == "service":
        return {f: 0.0 for f in FIELDS}
    raw = figures.get(product.id, StockFigures())
    rounding = catalog.uoms[product.uom_id].rounding
    return {
        "qty_available": rules.floats.round(raw.on_hand, precision_rounding=rounding),
        "free_qty": rules.floats.round(raw.free, precision_rounding=rounding),
    }


def product_quantities(
    catalog: Catalog,
    rules: Rules,
    product_id: int,
    figures: Dict[int, StockFigures],
    _visiting: Optional[FrozenSet[int]] = None,
) -> Dict[str, float]:
    """qty_available / free_qty of any variant: the kit formula if it has a phantom BoM, else the stock sums."""
    product = catalog.products[product_id]
    if bom_find(catalog, rules, product, "phantom") is None:
        return stock_figures(rules, catalog, product, figures)
    result = kit_quantities(catalog, rules, product_id, figures, _visiting=_visiting, _raise=True)
    return {"qty_available": result.qty_available, "free_qty": result.free_qty}


def kit_quantities(
    catalog: Catalog,
    rules: Rules,
    product_id: int,
    figures: Dict[int, StockFigures],
    _visiting: Optional[FrozenSet[int]] = None,
    _raise: bool = False,
) -> KitResult:
    """The kit branch of ``_compute_quantities_dict`` for one variant. Returns None figures if not a kit."""
    product = catalog.products[product_id]
    bom = bom_find(catalog, rules, product, "phantom")
    if bom is None:
        return KitResult(None, None, "not_a_kit")
    visiting = (_visiting or frozenset()) | {product_id}
    try:
        leaf_lines = explode(catalog, rules, bom, product, 1)
        groups: List[Tuple[int, List[LeafLine]]] = []
        if rules.grouped:
            index: Dict[int, int] = {}
            for leaf in leaf_lines:
                pid = leaf.line.product_id
                if pid not in index:
                    index[pid] = len(groups)
                    groups.append((pid, []))
                groups[index[pid]][1].append(leaf)
        else:
            groups = [(leaf.line.product_id, [leaf]) for leaf in leaf_lines]

        ratios: Dict[str, List[float]] = {f: [] for f in FIELDS}
        rounding = None
        for component_id, group in groups:
            component = catalog.products[component_id]
            component_uom = catalog.uoms[component.uom_id]
            qty_per_kit = 0
            for leaf in group:
                line_uom = catalog.uoms[leaf.line.product_uom_id]
                if not is_storable(rules, component) or rules.floats.is_zero(leaf.qty, precision_rounding=line_uom.rounding):
                    continue
                uom_qty_per_kit = leaf.qty / leaf.original_qty
                qty_per_kit += compute_quantity(
                    rules, line_uom, uom_qty_per_kit, component_uom, round=False, raise_if_failure=False
                )
            if not qty_per_kit:
                continue
            rounding = component_uom.rounding
            if component_id in visiting:
                raise KitError("cycle", f"kit {component_id} needs itself")
            raw = product_quantities(catalog, rules, component_id, figures, _visiting=visiting)
            for f in FIELDS:
                figure = rules.floats.round(raw[f], precision_rounding=rounding)
                ratio = figure / qty_per_kit
                if rules.ratio_rounding:
                    ratio = rules.floats.round(ratio, precision_rounding=rounding, rounding_method=rules.ratio_rounding)
                ratios[f].append(ratio)
        if leaf_lines and ratios["qty_available"]:
            out = {}
            for f in FIELDS:
                value = min(ratios[f]) * bom.product_qty
                if rules.final_round:
                    value = rules.floats.round(value, precision_rounding=rounding)
                out[f] = value // 1
            return KitResult(out["qty_available"], out["free_qty"], None, bom.id)
        return KitResult(0, 0, None, bom.id)
    except KitError as error:
        if _raise:
            raise
        return KitResult(None, None, error.code, bom.id)
    except RecursionError:
        if _raise:
            raise KitError("cycle", "recursion too deep")
        return KitResult(None, None, "cycle", bom.id)


def decimal_string(value: Optional[float]) -> Optional[str]:
    """A float as a plain decimal string ('8', '-384', '0.5'), None stays None."""
    if value is None:
        return None
    value = float(value)
    if value == 0:
        return "0"
    if value.is_integer():
        return str(int(value))
    return format(Decimal(repr(value)), "f")


# ---------------------------------------------------------------------------------------------------------
# CLI: read Odoo's tables with psql
# ---------------------------------------------------------------------------------------------------------


class Psql:
    """Runs ``psql -X -At --csv -c SQL`` against a DSN and parses the CSV rows."""

    def __init__(self, dsn: str, psql: str = "psql"):
        self.dsn = dsn
        self.psql = psql

    def rows(self, sql: str) -> List[List[Optional[str]]]:
        proc = subprocess.run(
            [self.psql, "-X", "-At", "--csv", "-v", "ON_ERROR_STOP=1", "-d", self.dsn, "-c", sql],
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"psql failed ({proc.returncode}): {proc.stderr.strip()}")
        return [[None if c == "" else c for c in row] for row in csv.reader(io.StringIO(proc.stdout))]

    def column_exists(self, table: str, column: str) -> bool:
        rows = self.rows(
            "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() "
            f"AND table_name = '{table}' AND column_name = '{column}'"
        )
        return bool(rows)


def _bool(v: Optional[str]) -> Optional[bool]:
    return None if v is None else v == "t"


def _int(v: Optional[str]) -> Optional[int]:
    return None if v is None else int(v)


def _float(v: Optional[str]) -> float:
    return 0.0 if v is None else float(v)


def load_catalog(db: Psql, rules: Rules) -> Catalog:
    """Reads the master data tables (Odoo's real table and column names)."""
    uoms = [Uom(int(r[0]), float(r[1]), float(r[2]), int(r[3])) for r in db.rows(
        "SELECT id, factor, rounding, category_id FROM uom_uom")]
    if rules.version >= 18:
        type_cols = "pt.type, pt.is_storable, NULL, pt.is_favorite"
    else:
        type_cols = "pt.type, NULL, pt.priority, NULL"
    products = []
    for r in db.rows(
        f"SELECT pp.id, pp.product_tmpl_id, pt.uom_id, pp.active, pp.default_code, {type_cols} "
        "FROM product_product pp JOIN product_template pt ON pt.id = pp.product_tmpl_id"
    ):
        products.append(Product(
            id=int(r[0]), tmpl_id=int(r[1]), uom_id=int(r[2]), active=bool(_bool(r[3])), default_code=r[4],
            type=r[5] or "consu", is_storable=_bool(r[6]), priority=r[7], is_favorite=_bool(r[8]), name="name",
        ))
    combos: Dict[int, set] = {}
    for r in db.rows("SELECT product_product_id, product_template_attribute_value_id FROM product_variant_combination"):
        combos.setdefault(int(r[0]), set()).add(int(r[1]))
    for p in products:
        p.ptav_ids = frozenset(combos.get(p.id, ()))
    ptav_attribute: Dict[int, int] = {}
    no_variant: set = set()
    for r in db.rows(
        "SELECT v.id, v.attribute_id, a.create_variant FROM product_template_attribute_value v "
        "LEFT JOIN product_attribute a ON a.id = v.attribute_id"
    ):
        ptav_attribute[int(r[0])] = _int(r[1])
        if r[2] == "no_variant" and r[1] is not None:
            no_variant.add(int(r[1]))
    boms = [
        Bom(id=int(r[0]), type=r[1], product_tmpl_id=int(r[2]), product_id=_int(r[3]), product_qty=float(r[4]),
            product_uom_id=int(r[5]), active=bool(_bool(r[6])), sequence=_int(r[7]), company_id=_int(r[8]),
            picking_type_id=_int(r[9]))
        for r in db.rows(
            "SELECT id, type, product_tmpl_id, product_id, product_qty, product_uom_id, active, sequence, "
            "company_id, picking_type_id FROM mrp_bom"
        )
    ]
    line_values: Dict[int, set] = {}
    for r in db.rows(
        "SELECT mrp_bom_line_id, product_template_attribute_value_id "
        "FROM mrp_bom_line_product_template_attribute_value_rel"
    ):
        line_values.setdefault(int(r[0]), set()).add(int(r[1]))
    lines = [
        BomLine(id=int(r[0]), bom_id=int(r[1]), product_id=int(r[2]), product_qty=float(r[3]),
                product_uom_id=int(r[4]), sequence=_int(r[5]), ptav_ids=frozenset(line_values.get(int(r[0]), ())))
        for r in db.rows("SELECT id, bom_id, product_id, product_qty, product_uom_id, sequence FROM mrp_bom_line")
    ]
    return Catalog(uoms, products, boms, lines, ptav_attribute, no_variant)


_PARENT_PATH = re.compile(r"^[0-9/]+$")


def scope_figures(db: Psql, root_paths: Sequence[str]) -> Dict[int, StockFigures]:
    """Quant sums per product under the given location parent_paths (child_of; no usage filter)."""
    if not root_paths:
        return {}
    for path in root_paths:
        if not _PARENT_PATH.match(path):
            raise ValueError(f"unexpected parent_path {path!r}")
    patterns = ", ".join(f"'{p}%'" for p in root_paths)
    figures = {}
    for r in db.rows(
        "SELECT q.product_id, SUM(q.quantity), SUM(q.reserved_quantity) FROM stock_quant q "
        f"JOIN stock_location l ON l.id = q.location_id WHERE l.parent_path LIKE ANY (ARRAY[{patterns}]) "
        "GROUP BY q.product_id"
    ):
        on_hand = _float(r[1])
        reserved = _float(r[2])
        figures[int(r[0])] = StockFigures(on_hand=on_hand, free=on_hand - reserved)
    return figures


@dataclass(frozen=True)
class Warehouse:
    id: int
    code: str
    active: bool
    company_id: int
    view_path: str


def load_warehouses(db: Psql) -> List[Warehouse]:
    return [
        Warehouse(int(r[0]), r[1] or "", bool(_bool(r[2])), int(r[3]), r[4] or "")
        for r in db.rows(
            "SELECT w.id, w.code, w.active, w.company_id, l.parent_path FROM stock_warehouse w "
            "JOIN stock_location l ON l.id = w.view_location_id ORDER BY w.sequence, w.id"
        )
    ]


def kits_report(catalog: Catalog, rules: Rules, figures: Dict[int, StockFigures]) -> List[dict]:
    """Every variant that has a phantom BoM, with its figures for the scope the figures were read for."""
    out = []
    for pid in sorted(catalog.products):
        product = catalog.products[pid]
        if bom_find(catalog, rules, product, "phantom") is None:
            continue
        result = kit_quantities(catalog, rules, pid, figures)
        out.append({
            "variant_id": pid,
            "template_id": product.tmpl_id,
            "active": product.active,
            "bom_id": result.bom_id,
            "on_hand": decimal_string(result.qty_available),
            "free": decimal_string(result.free_qty),
            "invalid": result.invalid,
        })
    return out


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Odoo-faithful kit (phantom BoM) availability oracle.")
    parser.add_argument("--dsn", required=True, help="libpq connection string for psql")
    parser.add_argument("--odoo-version", type=int, required=True, choices=(16, 17, 18))
    parser.add_argument("--profile", default="latest", choices=PROFILES, help="patch level (default: latest)")
    scope = parser.add_mutually_exclusive_group()
    scope.add_argument("--warehouse", help="warehouse code or id (Odoo context 'warehouse' / 'warehouse_id')")
    scope.add_argument("--location", type=int, help="location id (Odoo context 'location'; its subtree)")
    scope.add_argument("--all-warehouses", action="store_true", help="one result per active warehouse")
    parser.add_argument("--company", type=int, action="append", help="restrict warehouses to these companies")
    parser.add_argument("--psql", default="psql", help="psql executable")
    args = parser.parse_args(argv)

    try:
        rules = rules_for(args.odoo_version, args.profile)
        db = Psql(args.dsn, args.psql)
        catalog = load_catalog(db, rules)
        warehouses = load_warehouses(db)
        active = [w for w in warehouses if w.active and (not args.company or w.company_id in args.company)]
        output: dict = {"odoo_version": args.odoo_version, "profile": args.profile}
        if args.all_warehouses:
            output["warehouses"] = [
                {"id": w.id, "code": w.code, "kits": kits_report(catalog, rules, scope_figures(db, [w.view_path]))}
                for w in active
            ]
        else:
            if args.warehouse is not None:
                key = args.warehouse
                matches = [w for w in warehouses if (key.isdigit() and w.id == int(key)) or w.code == key]
                if args.company:
                    matches = [w for w in matches if w.company_id in args.company]
                if len(matches) != 1:
                    raise ValueError(f"warehouse {key!r} matches {len(matches)} warehouses")
                paths = [matches[0].view_path]
                output["scope"] = {"warehouse_id": matches[0].id, "code": matches[0].code}
            elif args.location is not None:
                rows = db.rows(f"SELECT parent_path FROM stock_location WHERE id = {int(args.location)}")
                if not rows or rows[0][0] is None:
                    raise ValueError(f"location {args.location} not found")
                paths = [rows[0][0]]
                output["scope"] = {"location_id": args.location}
            else:
                paths = [w.view_path for w in active]
                output["scope"] = {"warehouse_ids": [w.id for w in active]}
            output["kits"] = kits_report(catalog, rules, scope_figures(db, paths))
    except (RuntimeError, ValueError) as error:
        print(json.dumps({"error": str(error)}), file=sys.stderr)
        return 2
    json.dump(output, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
