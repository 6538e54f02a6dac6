from django.db.models import ProtectedError
from django.test import TestCase, tag

from catalog.models import Category, Product
from orders.models import Order
from shop.clock import note_test_start as setUpModule  # noqa: F401


class OrderTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.product = Product.objects.create(
            name='lamp', category=Category.objects.get(name='general'), price=30)

    def test_order_points_at_its_product(self):
        order = Order.objects.create(product=self.product, quantity=2)
        self.assertEqual(order.product.category.name, 'general')

    @tag('slow')
    def test_a_product_with_orders_is_protected(self):
        Order.objects.create(product=self.product, quantity=1)
        with self.assertRaises(ProtectedError):
            self.product.delete()
